"""Checkout and orders: placing an order is one DynamoDB transaction."""
