#!/usr/bin/python3
"""Generate the English sentiment corpus in data/sentiment/ from a small grammar.

Everything here was written for this project; no text is copied from elsewhere. The output is
deterministic for a given seed:

    /usr/bin/python3 scripts/make_sentiment_corpus.py [--out data/sentiment] [--seed 11]

A sentence speaks about a thing (the soup, the film, the hotel room, ...) and is positive, negative or
neutral. The polarity comes from the words and from how they are put together: an evaluative
adjective alone (the soup was good), with an intensifier (really good), negated (not good, not bad at
all, not very good, and the rarer hardly good, anything but good), an attribute that is neutral alone but negative in excess (the film was long /
far too long), and contrast, where the clause after "but" (or the main clause after "although")
decides (good but far too long, i expected it to be good , but it was not). Neutral sentences describe without judging.

Every (thing, evaluative word) combination belongs to one split only, so dev and test sentences pair
words that training never showed together (each word itself is seen in training). For a contrast,
both of its combinations belong to the sentence's split. So does every (construction, word)
combination besides the plain and neutral ones: a test sentence negates, intensifies or contrasts a
word that training never showed in that construction (only in others), so the model must have learned
the construction, not the phrase. Each split also gets a .construction file,
one line per sentence, naming the construction (for the breakdown of accuracy in
docs/classification.md); the classifier never reads it.

Text is lowercase with punctuation split off by spaces (the word tokenizer splits at whitespace only).
"""

import argparse
import os
import random

# ---------------------------------------------------------------- lexicon

THINGS = [
    "soup", "pasta", "cake", "coffee", "bread", "pizza", "salad", "dessert", "wine", "breakfast",
    "film", "movie", "plot", "ending", "soundtrack", "show", "play", "concert",
    "book", "story", "novel", "chapter",
    "hotel", "room", "bed", "view", "staff", "service", "waiter", "restaurant",
    "phone", "laptop", "screen", "battery", "camera", "game", "trip", "tour",
]

POSITIVE = ["good", "great", "wonderful", "excellent", "lovely", "fantastic", "pleasant", "brilliant",
            "superb", "enjoyable", "charming", "nice", "perfect", "amazing", "delightful", "impressive"]
NEGATIVE = ["bad", "terrible", "awful", "boring", "dull", "horrible", "poor", "disappointing", "dreadful",
            "mediocre", "unpleasant", "weak", "annoying", "bland", "tedious", "awkward"]
# Neutral alone ("the film was long"), negative in excess ("far too long").
ATTRIBUTES = ["long", "short", "sweet", "loud", "small", "big", "spicy", "heavy", "bright", "quiet",
              "simple", "dark"]

INTENSIFIERS = ["very", "really", "extremely", "truly", "incredibly", "so", "quite", "pretty"]
EXCESS = ["too", "far too", "much too", "way too", "a bit too"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
VERBS = ["was", "is", "seemed", "looked"]

# ---------------------------------------------------------------- constructions


def subject(thing):
    return "the " + thing


def polar_clause(rng, thing, adjective):
    """A clause that says adjective (plain or intensified) about thing."""
    intensify = rng.random() < 0.4
    phrase = (rng.choice(INTENSIFIERS) + " " + adjective) if intensify else adjective
    return rng.choice([
        f"{subject(thing)} {rng.choice(VERBS)} {phrase}",
        f"i found {subject(thing)} {phrase}",
        f"{subject(thing)} was {phrase} overall",
    ])


def excess_clause(rng, thing, attribute):
    return f"{subject(thing)} {rng.choice(['was', 'is'])} {rng.choice(EXCESS)} {attribute}"


def neutral_sentence(rng, thing, attribute):
    return rng.choice([
        f"{subject(thing)} {rng.choice(['was', 'is'])} {attribute}",
        f"i tried {subject(thing)} on {rng.choice(DAYS)}",
        f"we talked about {subject(thing)} on {rng.choice(DAYS)}",
        f"{subject(thing)} arrived on {rng.choice(DAYS)}",
        f"my friend mentioned {subject(thing)} yesterday",
        f"{subject(thing)} was {attribute} , as expected",
    ])


def sentence(rng, kind, thing, word, other):
    """(text, label) of one sentence of construction kind about thing; word carries the polarity, other is a
    second word for contrasts (or the attribute of a neutral sentence)."""
    positive = word in POSITIVE
    label = "positive" if positive else "negative"
    flip = "negative" if positive else "positive"
    s = subject(thing)
    if kind == "plain":
        return rng.choice([f"{s} {rng.choice(VERBS)} {word}", f"what a {word} {thing}", f"i found {s} {word}"]), label
    if kind == "intensified":
        return f"{s} {rng.choice(VERBS)} {rng.choice(INTENSIFIERS)} {word}", label
    if kind == "negated":
        return rng.choice([f"{s} was not {word}", f"{s} is not {word}", f"{s} was never {word}",
                           f"i did not find {s} {word}", f"{s} wasn't {word}"]), flip
    if kind == "negated_rare":          # hardly good, anything but good: rarer negations
        return rng.choice([f"{s} was hardly {word}", f"{s} was anything but {word}", f"{s} could hardly be called {word}"]), flip
    if kind == "negated_intensified":   # not very good: a negated positive (negative words take "at all")
        return f"{s} was not {rng.choice(['very', 'really', 'that', 'so'])} {word}", "negative"
    if kind == "negated_at_all":        # not bad at all: a negated negative
        return rng.choice([f"{s} was not {word} at all", f"{s} is not {word} at all", f"{s} was not {word} in the least"]), "positive"
    if kind == "excess":
        return excess_clause(rng, thing, word), "negative"
    if kind == "contrast_but":          # the second clause decides
        first = polar_clause(rng, thing, other) if other not in ATTRIBUTES else f"{s} was {other}"
        second = rng.choice([word, f"{rng.choice(INTENSIFIERS)} {word}", f"it was {word}", f"it was {rng.choice(INTENSIFIERS)} {word}"])
        return f"{first} but {second}", label
    if kind == "contrast_excess":       # good but far too long
        return f"{s} was {other} but {rng.choice(EXCESS)} {word}", "negative"
    if kind == "contrast_although":     # the main clause decides
        return f"although {polar_clause(rng, thing, other)} , {polar_clause(rng, thing, word)}", label
    if kind == "contrast_negated":      # expected good, but it was not
        return f"i expected {s} to be {word} , but it was not", flip
    if kind == "neutral":
        return neutral_sentence(rng, thing, word), "neutral"
    raise ValueError(kind)


# construction: (share, which words carry the polarity, which words may be the other one)
KINDS = {
    "neutral": (0.26, ATTRIBUTES, None),
    "plain": (0.12, POSITIVE + NEGATIVE, None),
    "intensified": (0.08, POSITIVE + NEGATIVE, None),
    "negated": (0.12, POSITIVE + NEGATIVE, None),
    "negated_rare": (0.04, POSITIVE + NEGATIVE, None),
    "negated_intensified": (0.05, POSITIVE, None),
    "negated_at_all": (0.07, NEGATIVE, None),
    "excess": (0.06, ATTRIBUTES, None),
    "contrast_but": (0.11, POSITIVE + NEGATIVE, "opposite"),
    "contrast_excess": (0.05, ATTRIBUTES, POSITIVE),
    "contrast_although": (0.08, POSITIVE + NEGATIVE, "opposite"),
    "contrast_negated": (0.05, POSITIVE + NEGATIVE, None),
}


def split_of_combinations(seed, dev_share, test_share):
    """Every (thing, word) combination goes to one split, and so does every (construction, word) one; every
    construction keeps at least one word for each split."""
    rng = random.Random(seed * 7919)
    split = {}

    def share_out(keys):
        rng.shuffle(keys)
        n_dev, n_test = max(1, round(len(keys) * dev_share)), max(1, round(len(keys) * test_share))
        for i, key in enumerate(keys):
            split[key] = "dev" if i < n_dev else "test" if i < n_dev + n_test else "train"

    share_out([(t, w) for t in THINGS for w in POSITIVE + NEGATIVE + ATTRIBUTES])
    for kind, (_, words, _) in KINDS.items():
        if kind not in ("plain", "neutral"):
            share_out([(kind, w) for w in words])
    return split


def build(seed, sizes):
    split = split_of_combinations(seed, 0.12, 0.18)
    rng = random.Random(seed)
    out, seen = {}, set()   # across splits: a sentence of dev or test never occurs in train
    for name, size in sizes.items():
        rows = []
        kinds = list(KINDS)
        weights = [KINDS[k][0] for k in kinds]
        tries = 0
        while len(rows) < size:
            tries += 1
            if tries > size * 200:
                raise RuntimeError(f"{name}: cannot make {size} distinct sentences")
            kind = rng.choices(kinds, weights)[0]
            _, words, others = KINDS[kind]
            # Draw the words until their combinations with the thing belong to this split, so that every
            # construction keeps its share in every split.
            while True:
                thing, word = rng.choice(THINGS), rng.choice(words)
                other = None
                if others == "opposite":
                    other = rng.choice(NEGATIVE + ATTRIBUTES if word in POSITIVE else POSITIVE + ATTRIBUTES)
                elif others is not None:
                    other = rng.choice(others)
                if (split[(thing, word)] == name and split.get((kind, word), name) == name
                        and (other is None or split[(thing, other)] == name)):
                    break
            text, label = sentence(rng, kind, thing, word, other)
            text += " ." if rng.random() < 0.8 else " !"
            if text in seen:
                continue
            seen.add(text)
            rows.append((text, label, kind))
        out[name] = rows
    return out


def write(out, name, rows):
    for suffix, column in (("txt", 0), ("labels", 1), ("construction", 2)):
        with open(os.path.join(out, f"{name}.{suffix}"), "w", encoding="utf-8", newline="\n") as f:
            f.writelines(row[column] + "\n" for row in rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="data/sentiment")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--train", type=int, default=2500)
    parser.add_argument("--dev", type=int, default=500)
    parser.add_argument("--test", type=int, default=1000)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    splits = build(args.seed, {"train": args.train, "dev": args.dev, "test": args.test})
    for name, rows in splits.items():
        write(args.out, name, rows)
        counts = {l: sum(1 for r in rows if r[1] == l) for l in ("positive", "negative", "neutral")}
        print(f"{name}: {len(rows)} sentences {counts}")


if __name__ == "__main__":
    main()
