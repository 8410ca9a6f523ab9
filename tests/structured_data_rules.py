"""What Google's documentation lists for the rich results our pages claim, recorded as
data, and a check of a JSON-LD object against it.

Sources (Google Search Central, structured data feature guides): "Book actions (Book)",
"Merchant listing (Product, Offer)", "Breadcrumb (BreadcrumbList)", "Carousel (ItemList)"
and "Sitelinks search box (WebSite)"."""

# Merchant listing: Product.
PRODUCT_REQUIRED = ["name", "image", "offers"]
PRODUCT_RECOMMENDED = [
    "aggregateRating",
    "description",
    "sku",
    # one product identifier: gtin / gtin8 / gtin12 / gtin13 / gtin14 / isbn / mpn
    ("gtin", "gtin8", "gtin12", "gtin13", "gtin14", "isbn", "mpn"),
]
# Recommended by the guide, not held by the catalog (no brand, colour, size, material,
# certification, product group, shipping or return-policy data): not claimed.
PRODUCT_RECOMMENDED_NOT_HELD = [
    "audience",
    "brand",
    "color",
    "hasCertification",
    "inProductGroupWithID",
    "isVariantOf",
    "material",
    "pattern",
    "review",
    "size",
    "subjectOf",
]
# Merchant listing: Offer.
OFFER_REQUIRED = ["price", "priceCurrency"]
OFFER_RECOMMENDED = ["availability", "itemCondition", "url"]
OFFER_RECOMMENDED_NOT_HELD = ["hasMerchantReturnPolicy", "shippingDetails", "priceValidUntil"]
OFFER_AVAILABILITY = {
    "https://schema.org/BackOrder",
    "https://schema.org/Discontinued",
    "https://schema.org/InStock",
    "https://schema.org/InStoreOnly",
    "https://schema.org/LimitedAvailability",
    "https://schema.org/MadeToOrder",
    "https://schema.org/OnlineOnly",
    "https://schema.org/OutOfStock",
    "https://schema.org/PreOrder",
    "https://schema.org/PreSale",
    "https://schema.org/Reserved",
    "https://schema.org/SoldOut",
}
# Product snippet / merchant listing: AggregateRating.
AGGREGATE_RATING_REQUIRED = ["ratingValue", ("ratingCount", "reviewCount")]
AGGREGATE_RATING_RECOMMENDED = ["bestRating", "worstRating"]

# Book actions: the Book (the work).
BOOK_REQUIRED = ["@id", "name", "url", "author", "workExample"]
BOOK_RECOMMENDED_NOT_HELD = ["sameAs"]  # no authority record (Wikipedia, LoC) is kept
# Book actions: the edition (workExample).
# bookFormat and inLanguage: the catalog keeps neither per book, so they are the store's
# (settings BOOK_FORMAT, BOOK_LANGUAGE).
EDITION_REQUIRED = ["@id", "bookFormat", "inLanguage", "isbn", "potentialAction"]
EDITION_BOOK_FORMATS = {
    "https://schema.org/AudiobookFormat",
    "https://schema.org/EBook",
    "https://schema.org/GraphicNovel",
    "https://schema.org/Hardcover",
    "https://schema.org/Paperback",
}
# No edition number, OCLC/LCCN identifier or authority record is kept: not claimed.
EDITION_RECOMMENDED_NOT_HELD = ["bookEdition", "identifier", "sameAs"]
READ_ACTION_REQUIRED = ["target", "expectsAcceptanceOf"]

# Breadcrumb.
BREADCRUMB_LIST_REQUIRED = ["itemListElement"]
LIST_ITEM_REQUIRED = ["position", "name", "item"]  # item may be left out on the last only
# Carousel (summary page) ItemList.
ITEM_LIST_REQUIRED = ["itemListElement"]
ITEM_LIST_ITEM_REQUIRED = ["@type", "position", "url"]
# WebSite with a SearchAction.
WEBSITE_REQUIRED = ["url", "potentialAction"]
SEARCH_ACTION_REQUIRED = ["target", "query-input"]


def missing(obj: dict, properties) -> list:
    """The properties (a tuple means "any one of") that ``obj`` lacks or leaves empty."""

    def present(name):
        return obj.get(name) not in (None, "", [], {})

    gaps = []
    for prop in properties:
        options = prop if isinstance(prop, tuple) else (prop,)
        if not any(present(name) for name in options):
            gaps.append(prop)
    return gaps


def types_of(obj: dict) -> set[str]:
    value = obj.get("@type")
    return set(value) if isinstance(value, list) else {value}
