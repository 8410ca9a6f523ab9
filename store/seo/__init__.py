"""How search engines and link previews see the store: JSON-LD structured data, canonical
URLs, meta description, Open Graph and Twitter card tags, robots.txt and the sitemaps.

Everything here is built from what the page already read: no DynamoDB request of its own,
except the sitemaps, which Query the category they list."""
