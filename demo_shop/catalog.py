"""What the demo shop sells, where its customers live, and the values its orders carry."""

import numpy as np

# (name, category, price in cents, popularity within its category)
CATALOG = (
    ("Organic Cotton T-Shirt", "apparel", 2499, 5.0),
    ("Merino Crew Sweater", "apparel", 8900, 2.0),
    ("Slim Fit Jeans", "apparel", 6995, 3.0),
    ("Packable Rain Jacket", "apparel", 12900, 1.0),
    ("Everyday Sneakers", "shoes", 7995, 4.0),
    ("Trail Running Shoes", "shoes", 11900, 2.0),
    ("Leather Chelsea Boots", "shoes", 15900, 1.0),
    ("Hydrating Face Cream", "beauty", 2950, 4.0),
    ("Vitamin C Serum", "beauty", 3490, 3.0),
    ("Solid Shampoo Bar", "beauty", 995, 5.0),
    ("Lip Balm Trio", "beauty", 1200, 3.0),
    ("Linen Duvet Cover", "home", 11900, 1.0),
    ("Soy Scented Candle", "home", 1990, 5.0),
    ("Stoneware Mug Set", "home", 3200, 3.0),
    ("Wireless Earbuds", "electronics", 8999, 3.0),
    ("Fitness Smart Watch", "electronics", 19900, 1.0),
    ("USB-C Fast Charger", "electronics", 2499, 5.0),
    ("Bluetooth Speaker", "electronics", 5900, 2.0),
    ("Cork Yoga Mat", "sports", 3990, 3.0),
    ("Insulated Water Bottle", "sports", 2495, 5.0),
    ("Resistance Band Set", "sports", 1999, 3.0),
    ("Kids Rain Boots", "kids", 3495, 2.0),
    ("Plush Bear", "kids", 2200, 4.0),
    ("Building Blocks Set", "kids", 4999, 3.0),
)
CATEGORIES = ("apparel", "shoes", "beauty", "home", "electronics", "sports", "kids")
CATEGORY_WEIGHT = np.array([0.25, 0.12, 0.20, 0.11, 0.10, 0.12, 0.10])

# country, share, dialling code, mobile prefix, national number length, local currency, its share
COUNTRIES = (
    ("DE", 0.34, "49", 15, 11, "EUR", 0.0),
    ("FR", 0.14, "33", 6, 9, "EUR", 0.0),
    ("NL", 0.10, "31", 6, 9, "EUR", 0.0),
    ("PL", 0.08, "48", 5, 9, "PLN", 0.15),
    ("AT", 0.05, "43", 66, 10, "EUR", 0.0),
    ("BE", 0.05, "32", 47, 9, "EUR", 0.0),
    ("SE", 0.05, "46", 7, 9, "SEK", 0.10),
    ("DK", 0.04, "45", 2, 8, "DKK", 0.10),
    ("IT", 0.05, "39", 3, 10, "EUR", 0.0),
    ("ES", 0.05, "34", 6, 9, "EUR", 0.0),
    ("GB", 0.03, "44", 7, 10, "GBP", 0.85),
    ("US", 0.02, "1", 2, 10, "USD", 0.90),
)
# Code 0 is EUR; the last code is an empty value, which the contract reads as the default currency.
CURRENCIES = ("EUR", "USD", "GBP", "PLN", "SEK", "DKK", "")
CHANNELS = ("organic", "ads", "email", "direct", "social", "referral", "sms", "")
CHANNEL_WEIGHT = np.array([0.26, 0.21, 0.18, 0.15, 0.10, 0.05, 0.05])
STATUSES = ("completed", "cancelled", "refunded", "")
EVENT_TYPES = ("view", "add_to_cart", "checkout")
