"""The shopping cart: one item per shopper in the carts table, for signed-in shoppers and
anonymous visitors alike (an anonymous cart is keyed by a random id in a signed cookie)."""
