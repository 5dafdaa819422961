"""Payments: Stripe Checkout (iDEAL, card), invoices and credit invoices, refunds, the webhook."""
