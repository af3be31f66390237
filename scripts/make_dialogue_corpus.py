#!/usr/bin/python3
"""Generate the English prompt-reply corpus in data/dialogue/ from a small grammar.

Everything here was written for this project; no text is copied from elsewhere. The output is
deterministic for a given seed:

    /usr/bin/python3 scripts/make_dialogue_corpus.py [--out data/dialogue] [--seed 7]

Each dialogue act ("intent") has slots (a name, a city, two numbers, an animal, ...) and several
ways of asking. The reply depends on the slots: it echoes them (a name, a city, a time) or answers
from them (two plus three is five; a duck can fly; blue and yellow make green). An *item* is what
is asked: the intent and its slot values, plus the wording for facts that cannot be inferred (a
duck says quack). Items, not lines, are split between train, dev and test, so every dev and test
prompt asks for a combination of slots that training never showed (or, for a fact, asks it in a
wording training did not use). Prompts come in the shapes people type: capitalised or not, with or
without the final punctuation. Replies are always written properly. Small talk without slots
(thanks, goodbye, how are you) stays in train, every typed form of every wording once with each of
its replies, so the model learns them as equally likely and sampling shows variety.
"""

import argparse
import os
import random

# ---------------------------------------------------------------- lexicon

NAMES = ["Anna", "Ben", "Carla", "David", "Emma", "Felix", "Grace", "Hugo", "Ida", "Jonas", "Kate", "Leo",
         "Maria", "Nina", "Oscar", "Paula", "Rosa", "Sam", "Tara", "Umar", "Vera", "Will", "Yara", "Zoe",
         "Omar", "Lena", "Marco", "Sofia", "Theo", "Iris"]

NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
           "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number(n):
    """0..100 in words: seven, twenty, forty-two, one hundred."""
    if n < 20:
        return NUMBERS[n]
    if n == 100:
        return "one hundred"
    tens, ones = divmod(n, 10)
    return TENS[tens] + ("" if ones == 0 else "-" + NUMBERS[ones])


DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

# City, country, is it the capital.
CITIES = [
    ("Paris", "France", True), ("Lyon", "France", False), ("London", "England", True),
    ("Rome", "Italy", True), ("Milan", "Italy", False), ("Berlin", "Germany", True),
    ("Munich", "Germany", False), ("Madrid", "Spain", True), ("Barcelona", "Spain", False),
    ("Lisbon", "Portugal", True), ("Oslo", "Norway", True), ("Vienna", "Austria", True),
    ("Dublin", "Ireland", True), ("Athens", "Greece", True), ("Cairo", "Egypt", True),
    ("Tokyo", "Japan", True), ("Osaka", "Japan", False), ("Lima", "Peru", True),
    ("Nairobi", "Kenya", True), ("Seoul", "Korea", True), ("Warsaw", "Poland", True),
    ("Toronto", "Canada", False), ("Sydney", "Australia", False), ("Boston", "America", False),
    ("Chicago", "America", False), ("Delhi", "India", True), ("Bangkok", "Thailand", True),
    ("Helsinki", "Finland", True),
]

# Weather adjective, the advice that goes with it.
WEATHER = [
    ("rainy", "take an umbrella"), ("snowy", "wear warm boots"), ("sunny", "bring your sunglasses"),
    ("windy", "hold on to your hat"), ("cold", "put on a warm coat"), ("hot", "drink plenty of water"),
    ("foggy", "drive slowly"), ("stormy", "stay at home"), ("cloudy", "take a light jacket"),
]
# How the prompt says when; how the reply says it.
WHEN = [("today", "today", "is"), ("tonight", "tonight", "is"),
        ("tomorrow", "tomorrow", "will be"), ("this weekend", "this weekend", "will be")]

# Feeling, reply.
FEELINGS = [
    ("happy", "I am glad you are happy!"),
    ("sad", "I am sorry you are sad. I hope your day gets better."),
    ("tired", "You are tired? Maybe you should get some rest."),
    ("sleepy", "You are sleepy? Maybe it is time to go to bed."),
    ("hungry", "You are hungry? Maybe you should eat something."),
    ("thirsty", "You are thirsty? Then drink a glass of water."),
    ("bored", "You are bored? Maybe you could read a book."),
    ("cold", "You are cold? Put on a warm sweater."),
    ("hot", "You are hot? Open a window and drink some water."),
    ("sick", "I am sorry you are sick. I hope you feel better soon."),
    ("nervous", "You are nervous? Take a deep breath, you will be fine."),
    ("angry", "You are angry? Try to count to ten."),
    ("lonely", "You are lonely? Maybe you could call a friend."),
    ("excited", "You are excited? That sounds wonderful!"),
    ("busy", "You are busy? Then I will not keep you long."),
]
FEELING_WHEN = ["", " today", " this morning", " tonight", " right now"]

# Food: singular, plural, colour, kind (fruit, vegetable, or None for dishes).
FOODS = [
    ("apple", "apples", "red", "fruit"), ("banana", "bananas", "yellow", "fruit"),
    ("lemon", "lemons", "yellow", "fruit"), ("lime", "limes", "green", "fruit"),
    ("orange", "oranges", "orange", "fruit"), ("grape", "grapes", "purple", "fruit"),
    ("cherry", "cherries", "red", "fruit"), ("strawberry", "strawberries", "red", "fruit"),
    ("pear", "pears", "green", "fruit"), ("plum", "plums", "purple", "fruit"),
    ("blueberry", "blueberries", "blue", "fruit"), ("carrot", "carrots", "orange", "vegetable"),
    ("potato", "potatoes", "brown", "vegetable"), ("pea", "peas", "green", "vegetable"),
    ("cucumber", "cucumbers", "green", "vegetable"), ("onion", "onions", "white", "vegetable"),
    ("pumpkin", "pumpkins", "orange", "vegetable"), ("cabbage", "cabbages", "green", "vegetable"),
    ("beetroot", "beetroots", "purple", "vegetable"), ("mushroom", "mushrooms", "brown", "vegetable"),
]
DISHES = ["pizza", "pasta", "soup", "rice", "salad", "bread", "cheese", "cake", "fish", "chicken", "pancakes",
          "noodles", "eggs", "ice cream", "chocolate"]
PLURAL_DISHES = {"pancakes", "noodles", "eggs"}
MEALS = [("breakfast", "How about some bread with eggs?"), ("lunch", "How about a fresh salad?"),
         ("dinner", "How about a warm soup with rice?")]

# Animal, plural, sound (or None), legs, abilities among fly, swim, climb trees, jump, run fast.
ABILITIES = ["fly", "swim", "climb trees", "jump", "run fast"]
ANIMALS = [
    ("cat", "cats", "meow", 4, {"climb trees", "jump", "run fast"}),
    ("dog", "dogs", "woof", 4, {"swim", "jump", "run fast"}),
    ("cow", "cows", "moo", 4, set()),
    ("duck", "ducks", "quack", 2, {"fly", "swim"}),
    ("bird", "birds", "tweet", 2, {"fly", "jump"}),
    ("horse", "horses", "neigh", 4, {"swim", "jump", "run fast"}),
    ("sheep", "sheep", "baa", 4, {"jump"}),
    ("pig", "pigs", "oink", 4, {"swim"}),
    ("frog", "frogs", "croak", 4, {"swim", "jump"}),
    ("owl", "owls", "hoot", 2, {"fly"}),
    ("lion", "lions", "roar", 4, {"run fast", "swim"}),
    ("snake", "snakes", "hiss", 0, {"swim", "climb trees"}),
    ("bee", "bees", "buzz", 6, {"fly"}),
    ("spider", "spiders", None, 8, {"climb trees"}),
    ("fish", "fish", None, 0, {"swim"}),
    ("mouse", "mice", "squeak", 4, {"climb trees", "run fast"}),
    ("monkey", "monkeys", "ooh ooh", 2, {"climb trees", "jump"}),
    ("rabbit", "rabbits", None, 4, {"jump", "run fast"}),
    ("turtle", "turtles", None, 4, {"swim"}),
    ("penguin", "penguins", "honk", 2, {"swim"}),
    ("goat", "goats", "meh", 4, {"jump", "climb trees"}),
    ("donkey", "donkeys", "hee-haw", 4, set()),
]

COLOURS = ["red", "blue", "green", "yellow", "orange", "purple", "pink", "black", "white", "grey", "brown"]
MIXES = [("red", "yellow", "orange"), ("blue", "yellow", "green"), ("red", "blue", "purple"),
         ("red", "white", "pink"), ("black", "white", "grey"), ("blue", "white", "light blue")]
THINGS = ["car", "bike", "house", "door", "hat", "bag", "shirt", "cup", "kite", "boat", "umbrella", "scarf"]

# ---------------------------------------------------------------- helpers


def a(word):
    return ("an " if word[0] in "aeiou" else "a ") + word


def cap(text):
    return text[0].upper() + text[1:]


def typed(rng, prompt):
    """The prompt as someone types it: sometimes all lowercase, sometimes without the final punctuation."""
    if rng.random() < 0.3:
        prompt = prompt.lower()
    if rng.random() < 0.3 and prompt[-1] in ".?!":
        prompt = prompt[:-1]
    return prompt


def surface_forms(prompt):
    """Every way `typed` can write the prompt: as is, lowercase, without the final punctuation, both."""
    bare = prompt[:-1] if prompt[-1] in ".?!" else prompt
    return list(dict.fromkeys([prompt, prompt.lower(), bare, bare.lower()]))


# ---------------------------------------------------------------- intents
#
# Each intent yields items: (key, [prompt wordings], reply or [reply variants]). A key identifies what is
# asked; the split keeps every key in one split only.


def greetings():
    hellos = [("Hello", "Hello"), ("Hi", "Hi"), ("Hey", "Hey"), ("Hi there", "Hi"), ("Good morning", "Good morning"),
              ("Good afternoon", "Good afternoon"), ("Good evening", "Good evening")]
    for hello, answer in hellos:
        yield (("hello", hello), [f"{hello}!", f"{hello}."],
               [f"{answer}! How can I help you?", f"{answer}! How are you today?", f"{answer}! Nice to see you."])
    for name in NAMES:
        for hello, answer in hellos:
            yield (("hello-name", hello, name),
                   [f"{hello}, my name is {name}.", f"{hello}, I am {name}.", f"{hello}! I am {name}."],
                   f"{answer}, {name}! Nice to meet you.")
        yield (("name", name), [f"My name is {name}.", f"I am called {name}.", f"Call me {name}."],
               f"Nice to meet you, {name}!")


def small_talk():
    talk = [
        (["How are you?", "How are you doing?", "How is it going?", "Are you well?"],
         ["I am fine, thank you. And you?", "Very well, thanks. How about you?", "I am doing great, thank you!"]),
        (["What is your name?", "Who are you?", "Do you have a name?"],
         ["I am a small chat bot. I do not have a name.", "I am a little chat bot without a name."]),
        (["Are you a robot?", "Are you a human?", "Are you a computer?"],
         ["I am a small neural network that learned to reply.", "I am a program, not a person."]),
        (["How old are you?", "When were you born?"],
         ["I am only a few minutes old.", "I was trained a few minutes ago."]),
        (["What can you do?", "What do you know?", "Can you help me?"],
         ["I can do small sums, talk about animals, food, colours and the weather.",
          "I know a little about numbers, animals, food, colours and places."]),
        (["What is your favourite colour?", "Which colour do you like best?"],
         ["My favourite colour is blue. What is yours?", "I like green best. And you?"]),
        (["What is your favourite animal?", "Which animal do you like best?"],
         ["I like owls, they are very wise.", "My favourite animal is the cat."]),
        (["What time is it?", "Do you know the time?"],
         ["I do not have a clock, sorry.", "I cannot see a clock from here, sorry."]),
        (["What day is it today?", "Which day is it?"],
         ["I do not know, but every day is a good day.", "I am not sure, I do not have a calendar."]),
        (["What is the weather like?", "How is the weather?"],
         ["I cannot look outside, but I hope it is nice.", "I do not know, I live inside a computer."]),
        (["Thank you.", "Thanks.", "Thanks a lot!", "Thank you very much.", "Thanks for your help.",
          "Thank you so much!"],
         ["You are welcome!", "No problem, happy to help.", "Any time!", "My pleasure."]),
        (["Goodbye.", "Bye!", "Bye bye.", "See you later.", "I have to go now.", "Talk to you later."],
         ["Goodbye! Have a nice day.", "Bye! See you soon.", "Take care, goodbye!"]),
        (["Good night.", "I am going to bed.", "Night night."],
         ["Good night, sleep well.", "Sleep well and sweet dreams."]),
        (["See you tomorrow.", "Until tomorrow!"],
         ["See you tomorrow!", "Until tomorrow, take care."]),
        (["Tell me a joke.", "Do you know a joke?"],
         ["Why did the cat sit on the computer? To keep an eye on the mouse.",
          "What do you call a sleeping bull? A bulldozer."]),
        (["I love you.", "You are nice.", "You are great!"],
         ["Thank you, that is very kind of you.", "Aw, thank you!"]),
        (["You are stupid.", "You are wrong."],
         ["Sorry, I am still learning.", "I am sorry, I am only a small model."]),
        (["Yes.", "Yes, I am.", "Sure."], ["Great!", "Good to hear."]),
        (["No.", "Not really.", "No, thanks."], ["Okay, no problem.", "All right."]),
    ]
    for i, (prompts, replies) in enumerate(talk):
        yield (("talk", i), prompts, replies)


def feelings():
    for feeling, reply in FEELINGS:
        for when in FEELING_WHEN:
            yield (("feel", feeling, when), [f"I am {feeling}{when}.", f"I feel {feeling}{when}.",
                                             f"I am so {feeling}{when}!"], reply)
        yield (("feel-q", feeling), [f"Are you {feeling}?", f"Do you feel {feeling}?"],
               f"No, I am not {feeling}. I am a chat bot, I do not feel {feeling}.")


def arithmetic():
    asks = ["What is {q}?", "How much is {q}?", "Can you tell me what {q} is?", "{Q}?", "Please compute {q}."]
    def item(op, x, y, z):
        q = f"{number(x)} {op} {number(y)}"
        return (("sum", op, x, y), [ask.format(q=q, Q=cap(q)) for ask in asks], f"{cap(q)} is {number(z)}.")
    for x in range(0, 11):
        for y in range(0, 11):
            yield item("plus", x, y, x + y)
            if y <= x:
                yield item("minus", x, y, x - y)
            if x <= 5 and y <= 5:
                yield item("times", x, y, x * y)


def counting():
    for n in range(0, 60):
        yield (("after", n), [f"What comes after {number(n)}?", f"What number comes after {number(n)}?",
                              f"Which number follows {number(n)}?"],
               f"{cap(number(n + 1))} comes after {number(n)}.")
        if n >= 1:
            yield (("before", n), [f"What comes before {number(n)}?", f"What number comes before {number(n)}?"],
                   f"{cap(number(n - 1))} comes before {number(n)}.")
    for n in range(0, 58):
        yield (("between", n), [f"Which number is between {number(n)} and {number(n + 2)}?",
                                f"What comes between {number(n)} and {number(n + 2)}?"],
               f"{cap(number(n + 1))} is between {number(n)} and {number(n + 2)}.")
    for seq, what in ((DAYS, "day"), (MONTHS, "month")):
        for i, x in enumerate(seq):
            nxt, prev = seq[(i + 1) % len(seq)], seq[i - 1]
            yield (("next", x), [f"What {what} comes after {x}?", f"Which {what} follows {x}?",
                                 f"What is the {what} after {x}?"], f"{nxt} comes after {x}.")
            yield (("prev", x), [f"What {what} comes before {x}?", f"What is the {what} before {x}?"],
                   f"{prev} comes before {x}.")


def clock():
    for h in range(1, 13):
        for d in range(1, 12):
            t = (h + d - 1) % 12 + 1
            hours = "hour" if d == 1 else "hours"
            yield (("clock", h, d),
                   [f"It is {number(h)} o'clock. What time will it be in {number(d)} {hours}?",
                    f"It is {number(h)} o'clock now. What time is it in {number(d)} {hours}?"],
                   f"In {number(d)} {hours} it will be {number(t)} o'clock.")
        yield (("meet", h), [f"Let us meet at {number(h)} o'clock.", f"Can we meet at {number(h)} o'clock?",
                             f"See you at {number(h)} o'clock."], f"Good, see you at {number(h)} o'clock.")
        for day in DAYS:
            yield (("meet-day", h, day), [f"Let us meet on {day} at {number(h)} o'clock.",
                                          f"Can we meet on {day} at {number(h)} o'clock?"],
                   f"Good, see you on {day} at {number(h)} o'clock.")
    for day in DAYS:
        yield (("see-day", day), [f"See you on {day}.", f"Bye, see you on {day}!"], f"See you on {day}! Take care.")


def weather():
    for city, _, _ in CITIES[::2]:
        for adj, advice in WEATHER:
            for when, when_reply, verb in WHEN:
                yield (("weather", city, adj, when),
                       [f"It {verb} {adj} in {city} {when}.", f"The weather in {city} {verb} {adj} {when}."],
                       f"Then {advice} if you go out in {city} {when_reply}.")
        yield (("weather-q", city), [f"What is the weather like in {city}?", f"How is the weather in {city}?"],
               f"I cannot see the weather in {city}, but I hope it is nice.")


def places():
    for city, country, capital in CITIES:
        yield (("where", city, 0), [f"Where is {city}?"], f"{city} is in {country}.")
        yield (("where", city, 1), [f"In which country is {city}?"], f"{city} is in {country}.")
        yield (("where", city, 2), [f"Which country is {city} in?"], f"{city} is in {country}.")
        if capital:
            yield (("capital", country, 0), [f"What is the capital of {country}?"], f"The capital of {country} is {city}.")
            yield (("capital", country, 1), [f"Which city is the capital of {country}?"],
                   f"The capital of {country} is {city}.")
        for when, _, be in WHEN:
            if be == "will be":
                yield (("trip", city, when), [f"I am going to {city} {when}.", f"I will travel to {city} {when}."],
                       f"Have a nice trip to {city} {when}!")
        yield (("live", city), [f"I live in {city}.", f"I am living in {city}."], f"{city} is a nice place to live.")
        yield (("from", city), [f"I come from {city}.", f"I am from {city}."],
               f"Oh, you are from {city}? That is in {country}.")


def food():
    for sing, plur, colour, kind in FOODS:
        yield (("food-colour", sing, 0), [f"What colour is {a(sing)}?"], f"{cap(a(sing))} is usually {colour}.")
        yield (("food-colour", sing, 1), [f"What colour are {plur}?"], f"{cap(plur)} are usually {colour}.")
        yield (("food-kind", sing, 0), [f"Is {a(sing)} a fruit or a vegetable?"], f"{cap(a(sing))} is a {kind}.")
        yield (("food-kind", sing, 1), [f"Are {plur} fruit or vegetables?"],
               f"{cap(plur)} are {'fruit' if kind == 'fruit' else 'vegetables'}.")
    dishes = [p for _, p, _, _ in FOODS] + DISHES
    for dish in dishes:
        yield (("like", dish), [f"I like {dish}.", f"I love {dish}!", f"I really like {dish}."],
               f"{cap(dish)} is tasty! I like it too." if dish in DISHES and dish not in PLURAL_DISHES
               else f"{cap(dish)} are tasty! I like them too.")
        yield (("dislike", dish), [f"I do not like {dish}.", f"I hate {dish}."],
               f"That is fine, not everybody likes {dish}.")
        yield (("you-like", dish), [f"Do you like {dish}?", f"Do you eat {dish}?"],
               f"I cannot eat, but {dish} sounds good.")
        for meal, _ in MEALS:
            yield (("ate", dish, meal), [f"I had {dish} for {meal}.", f"I ate {dish} for {meal}.",
                                         f"For {meal} I had {dish}."], f"{cap(dish)} for {meal} sounds good!")
    for meal, suggestion in MEALS:
        yield (("meal", meal), [f"What should I eat for {meal}?", f"What can I have for {meal}?"], suggestion)


def animals():
    for name, plural, sound, legs, can in ANIMALS:
        if sound:
            yield (("sound", name, 0), [f"What sound does {a(name)} make?"], f"{cap(a(name))} says {sound}.")
            yield (("sound", name, 1), [f"What does {a(name)} say?"], f"{cap(a(name))} says {sound}.")
        legs_text = "no legs" if legs == 0 else f"{number(legs)} legs"
        yield (("legs", name, 0), [f"How many legs does {a(name)} have?"], f"{cap(a(name))} has {legs_text}.")
        yield (("legs", name, 1), [f"How many legs has {a(name)} got?"], f"{cap(a(name))} has {legs_text}.")
        for ability in ABILITIES:
            answer = (f"Yes, {a(name)} can {ability}." if ability in can else f"No, {a(name)} cannot {ability}.")
            yield (("can", name, ability, 0), [f"Can {a(name)} {ability}?"], answer)
            yield (("can", name, ability, 1), [f"Is {a(name)} able to {ability}?"], answer)
        for pet in NAMES[::2]:
            yield (("pet", name, pet), [f"My {name} is called {pet}.", f"I have {a(name)} called {pet}.",
                                        f"My {name}'s name is {pet}."], f"{pet} is a lovely name for {a(name)}.")
        for n in range(2, 11):
            yield (("have-n", name, n), [f"I have {number(n)} {plural}.", f"We have {number(n)} {plural}."],
                   f"{cap(number(n))} {plural}? That is a lot of {plural}!")
        yield (("have-1", name), [f"I have {a(name)}.", f"I have got {a(name)}."],
               f"Oh, you have {a(name)}! What is its name?")


def colours():
    for c in COLOURS:
        yield (("fav", c), [f"My favourite colour is {c}.", f"I like {c} best.", f"{cap(c)} is my favourite colour."],
               f"{cap(c)} is a beautiful colour!")
        for thing in THINGS:
            yield (("thing", c, thing), [f"My {thing} is {c}.", f"I have {a(c)} {thing}.", f"I bought {a(c)} {thing}."],
                   f"{cap(a(c))} {thing} sounds nice.")
    for x, y, z in MIXES:
        for first, second in ((x, y), (y, x)):
            yield (("mix", first, second), [f"What do you get when you mix {first} and {second}?",
                                            f"What colour do {first} and {second} make?",
                                            f"What happens if I mix {first} and {second}?"],
                   f"{cap(first)} and {second} make {z}.")


def repeat():
    """Say after me: copying an unseen combination of known words."""
    for c in COLOURS[:7]:
        for name, plural, _, _, _ in ANIMALS:
            for verb in ("sleeps", "runs"):
                phrase = f"the {c} {name} {verb}"
                yield (("repeat", c, name, verb), [f"Repeat after me: {phrase}.", f"Say: {phrase}."], f"{cap(phrase)}.")


DRILLS = {"sum": 3, "after": 2, "before": 2, "between": 2, "next": 2, "prev": 2, "clock": 2}

INTENTS = [greetings, small_talk, feelings, arithmetic, counting, clock, weather, places, food, animals, colours, repeat]


# ---------------------------------------------------------------- corpus


def build(seed, n_train, n_dev, n_test):
    rng = random.Random(seed)
    items = [item for intent in INTENTS for item in intent()]
    keys = [item[0] for item in items]
    assert len(set(keys)) == len(keys), "duplicate item keys"
    talk = [item for item in items if item[0][0] == "talk" or item[0][0] == "hello"]
    slotted = [item for item in items if item not in talk]
    rng.shuffle(slotted)
    dev_items, test_items, train_items = slotted[:n_dev], slotted[n_dev:n_dev + n_test], slotted[n_dev + n_test:]

    def pair(item, wording=None):
        _, prompts, reply = item
        prompt = wording if wording is not None else rng.choice(prompts)
        return typed(rng, prompt), (reply if isinstance(reply, str) else rng.choice(reply))

    dev = [pair(item) for item in dev_items]
    test = [pair(item) for item in test_items]
    # Train: one wording per slotted item (two or three for drills) for up to n_train items, minus what small talk
    # takes; small talk: every wording in each typed form, once with each of its replies.
    train = []
    for _, wordings, replies in talk:
        for wording in wordings:
            for form in surface_forms(wording):
                train += [(form, reply) for reply in replies]
    budget = max(0, n_train - len(train))
    if budget < len(train_items):
        train_items = train_items[:budget]
    for item in train_items:
        # Items that need a computation (sums, counting, the clock) are shown in two or three wordings: more examples.
        wordings = rng.sample(item[1], min(len(item[1]), DRILLS.get(item[0][0], 1)))
        train += [pair(item, wording) for wording in wordings]
    rng.shuffle(train)

    seen = {p.lower().rstrip(".?!") for p, _ in train}
    dev = [(p, r) for p, r in dev if p.lower().rstrip(".?!") not in seen]
    test = [(p, r) for p, r in test if p.lower().rstrip(".?!") not in seen]
    return train, dev, test, len(items)


def write(out, name, pairs):
    for suffix, column in (("prompt", 0), ("reply", 1)):
        with open(os.path.join(out, f"{name}.{suffix}"), "w", encoding="utf-8", newline="\n") as f:
            for p in pairs:
                f.write(p[column] + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="data/dialogue")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--train", type=int, default=6000)
    parser.add_argument("--dev", type=int, default=300)
    parser.add_argument("--test", type=int, default=300)
    args = parser.parse_args()
    train, dev, test, total = build(args.seed, args.train, args.dev, args.test)
    os.makedirs(args.out, exist_ok=True)
    for name, pairs in (("train", train), ("dev", dev), ("test", test)):
        write(args.out, name, pairs)
    print(f"{total} items; train {len(train)}, dev {len(dev)}, test {len(test)} pairs written to {args.out}")


if __name__ == "__main__":
    main()
