"""wijklab"""
