"""The seed document's three books, exactly, and a generated sample catalog around them.

The sample is deterministic: the same books, ids and stock every time, so seeding twice
changes nothing."""

import random
from datetime import UTC, datetime
from decimal import Decimal

SEED_TIMESTAMP = datetime(2025, 9, 5, 10, 0, 0, tzinfo=UTC)

SEED_BOOKS = [
    {
        "category": "Fiction",
        "book_id": "fic-001",
        "title": "The Great Gatsby",
        "author": "F. Scott Fitzgerald",
        "isbn": "9780743273565",
        "price": Decimal("12.99"),
        "stock_quantity": 50,
        "description": "Classic American novel about the Jazz Age",
        "image_url": "https://cloudshelf-images.s3.amazonaws.com/great-gatsby.jpg",
    },
    {
        "category": "Technology",
        "book_id": "tech-001",
        "title": "Clean Code",
        "author": "Robert C. Martin",
        "isbn": "9780132350884",
        "price": Decimal("42.99"),
        "stock_quantity": 25,
        "description": "A handbook of agile software craftsmanship",
        "image_url": "https://cloudshelf-images.s3.amazonaws.com/clean-code.jpg",
    },
    {
        "category": "Business",
        "book_id": "bus-001",
        "title": "The Lean Startup",
        "author": "Eric Ries",
        "isbn": "9780307887894",
        "price": Decimal("26.99"),
        "stock_quantity": 30,
        "description": "How constant innovation creates successful businesses",
        "image_url": "https://cloudshelf-images.s3.amazonaws.com/lean-startup.jpg",
    },
]

CATEGORIES = {
    "Fiction": (
        "fic",
        ["The {a} {n}", "{n} of the {p}", "{a} {n}", "The Last {n}"],
        ["Silent", "Golden", "Hidden", "Broken", "Distant", "Winter", "Burning"],
        ["Harbor", "Garden", "River", "Orchard", "Lantern", "Letters", "Summer"],
        ["North", "Tide", "Valley", "Sparrows", "Lighthouse", "Moors"],
        "A novel of {n2} and {n3}, told with warmth and a sharp eye.",
    ),
    "Technology": (
        "tech",
        ["{a} {n}", "{n} in Practice", "Designing {a} {n}", "The Art of {n}"],
        ["Practical", "Distributed", "Modern", "Reliable", "Scalable", "Secure"],
        [
            "Systems",
            "Databases",
            "APIs",
            "Algorithms",
            "Compilers",
            "Networks",
            "Testing",
            "Refactoring",
            "Observability",
        ],
        ["Python", "the Cloud", "Production", "Teams"],
        "A hands-on guide to {n2} and {n3} for working engineers.",
    ),
    "Business": (
        "bus",
        ["The {a} {n}", "{n} for {p}", "Beyond {n}", "{a} {n}"],
        ["Lean", "Resilient", "Honest", "Curious", "Patient", "Focused"],
        ["Leadership", "Strategy", "Negotiation", "Growth", "Markets", "Teams", "Pricing"],
        ["Founders", "Managers", "Small Firms", "Everyone"],
        "Clear lessons on {n2} and {n3} from companies large and small.",
    ),
    "Science": (
        "sci",
        ["The {a} {n}", "{n} and the {p}", "A Short History of {n}", "Why {n} Matters"],
        ["Hidden", "Invisible", "Quantum", "Living", "Elegant", "Restless"],
        ["Universe", "Cells", "Climate", "Oceans", "Atoms", "Genes", "Forests"],
        ["Cosmos", "Mind", "Future", "Deep Time"],
        "An accessible tour of {n2} and {n3}, grounded in the latest research.",
    ),
    "History": (
        "his",
        ["The {a} {n}", "{n} of the {p}", "Empires of {n}", "The Fall of {n}"],
        ["Forgotten", "Great", "Iron", "Silver", "Long", "Lost"],
        ["Kingdoms", "Voyages", "Cities", "Revolutions", "Rivers", "Roads"],
        ["Ancient World", "Middle Ages", "Silk Road", "Atlantic"],
        "A vivid account of {n2} and {n3} across the centuries.",
    ),
    "Children": (
        "kid",
        ["The {a} {n}", "{n} and the {p}", "Little {n}", "Where the {n} Go"],
        ["Brave", "Sleepy", "Curious", "Tiny", "Happy", "Clever"],
        ["Fox", "Dragons", "Owl", "Bears", "Rabbit", "Penguins"],
        ["Moon", "Big Storm", "Rainbow", "Magic Hat"],
        "A picture book about {n2}, {n3} and friendship, for ages 3 to 7.",
    ),
    "Mystery": (
        "mys",
        ["The {a} {n}", "Death at the {p}", "{n} in the Dark", "The {n} Affair"],
        ["Crimson", "Quiet", "Midnight", "Poisoned", "Seventh", "Vanishing"],
        ["Key", "Witness", "Garden", "Diamond", "Letter", "Stranger"],
        ["Manor", "Harbour", "Station", "Vicarage"],
        "A twisting whodunit of {n2}, {n3} and a detective who misses nothing.",
    ),
    "Biography": (
        "bio",
        ["{a} {n}", "A Life of {n}", "The {n} Years", "{n}: A Memoir"],
        ["Restless", "Fearless", "Unlikely", "Quiet", "Radiant"],
        ["Courage", "Music", "Invention", "Flight", "Science", "Letters"],
        ["Pioneer", "Inventor", "Composer", "Explorer"],
        "The remarkable story of a life shaped by {n2} and {n3}.",
    ),
}

FIRST_NAMES = [
    "Ada",
    "Elena",
    "Marcus",
    "Priya",
    "Tomás",
    "Hannah",
    "Kenji",
    "Amara",
    "Oliver",
    "Sofia",
    "Ibrahim",
    "Claire",
    "Mateo",
    "Ingrid",
    "Samuel",
    "Leila",
    "Noah",
    "Zoë",
    "Daniel",
    "Mei",
]
LAST_NAMES = [
    "Hart",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Castillo",
    "Bennett",
    "Ferreira",
    "Kowalski",
    "Sato",
    "Adeyemi",
    "Fischer",
    "O'Brien",
    "Patel",
    "Rossi",
    "Novak",
    "Haddad",
    "Jensen",
    "Alvarez",
    "Whitfield",
]
BOOKS_PER_CATEGORY = 30


def isbn13(rng):
    digits = [9, 7, 8] + [rng.randint(0, 9) for _ in range(9)]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits + [check]))


def _title(rng, patterns, adjectives, nouns, places):
    pattern = rng.choice(patterns)
    return pattern.format(a=rng.choice(adjectives), n=rng.choice(nouns), p=rng.choice(places))


def sample_books():
    """The seed's books first, then about 240 generated ones across eight categories."""
    books = [dict(book) for book in SEED_BOOKS]
    taken_titles = {book["title"] for book in books}
    for category, (prefix, patterns, adjectives, nouns, places, blurb) in CATEGORIES.items():
        rng = random.Random(f"cloudshelf-{category}")
        number = 2 if any(b["category"] == category for b in SEED_BOOKS) else 1
        while number <= BOOKS_PER_CATEGORY:
            title = _title(rng, patterns, adjectives, nouns, places)
            if title in taken_titles:
                continue
            taken_titles.add(title)
            n2, n3 = rng.sample(nouns, 2)
            stock = rng.choice([0, 2, 4, 8, 12, 20, 35, 50, 75])
            books.append(
                {
                    "category": category,
                    "book_id": f"{prefix}-{number:03d}",
                    "title": title,
                    "author": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "isbn": isbn13(rng),
                    "price": Decimal(rng.randint(7, 59)) + Decimal("0.99"),
                    "stock_quantity": stock,
                    "description": blurb.format(n2=n2.lower(), n3=n3.lower()),
                    "image_url": None,
                }
            )
            number += 1
    return books
