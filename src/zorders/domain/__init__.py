"""Pure domain: money, catalog, accounts, subscriptions, order actions, billing, errors."""
