"""The organisers' back-office under ``/beheer``."""
