"""The registrant pays: the pages that send them to Stripe and back, their invoices (views.py), and
Stripe's webhook (webhooks.py), which applies each event once through
wijkwerk/registrations/paying.py. Above the registrations; the money records are in payments/."""
