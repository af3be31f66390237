#!/usr/bin/python3
"""Generate the sample French-English corpus in data/sample/ from a small grammar and lexicon.

Everything here was written for this project; no text is copied from elsewhere. The output is
deterministic for a given seed:

    /usr/bin/python3 scripts/make_sample_corpus.py [--out data/sample] [--seed 13]

Typography: raw (untokenised) text; French puts a plain space before '?' and '!' and uses the ASCII
apostrophe for elision (l'homme, n'a, qu'il, d'oiseau, aujourd'hui); English uses no contractions.
"""

import argparse
import os
import random

# ---------------------------------------------------------------- lexicon

# Nouns: French singular, French plural, gender, English singular, English plural, classes.
# Classes: p = person, a = animal, o = object, f = food, c = container (can be opened),
#          v = vehicle, r = readable, s = surface (on/under), l = place you are in, d = destination.
NOUNS = [
    ("homme", "hommes", "m", "man", "men", "p"),
    ("femme", "femmes", "f", "woman", "women", "p"),
    ("garçon", "garçons", "m", "boy", "boys", "p"),
    ("fille", "filles", "f", "girl", "girls", "p"),
    ("enfant", "enfants", "m", "child", "children", "p"),
    ("ami", "amis", "m", "friend", "friends", "p"),
    ("amie", "amies", "f", "friend", "friends", "p"),
    ("voisin", "voisins", "m", "neighbor", "neighbors", "p"),
    ("voisine", "voisines", "f", "neighbor", "neighbors", "p"),
    ("étudiant", "étudiants", "m", "student", "students", "p"),
    ("étudiante", "étudiantes", "f", "student", "students", "p"),
    ("professeur", "professeurs", "m", "teacher", "teachers", "p"),
    ("médecin", "médecins", "m", "doctor", "doctors", "p"),
    ("boulanger", "boulangers", "m", "baker", "bakers", "p"),
    ("frère", "frères", "m", "brother", "brothers", "p"),
    ("sœur", "sœurs", "f", "sister", "sisters", "p"),
    ("père", "pères", "m", "father", "fathers", "p"),
    ("mère", "mères", "f", "mother", "mothers", "p"),
    ("oncle", "oncles", "m", "uncle", "uncles", "p"),
    ("tante", "tantes", "f", "aunt", "aunts", "p"),
    ("chat", "chats", "m", "cat", "cats", "a"),
    ("chien", "chiens", "m", "dog", "dogs", "a"),
    ("cheval", "chevaux", "m", "horse", "horses", "a"),
    ("oiseau", "oiseaux", "m", "bird", "birds", "a"),
    ("souris", "souris", "f", "mouse", "mice", "a"),
    ("vache", "vaches", "f", "cow", "cows", "a"),
    ("lapin", "lapins", "m", "rabbit", "rabbits", "a"),
    ("canard", "canards", "m", "duck", "ducks", "a"),
    ("tortue", "tortues", "f", "turtle", "turtles", "a"),
    ("éléphant", "éléphants", "m", "elephant", "elephants", "a"),
    ("poisson", "poissons", "m", "fish", "fish", "af"),
    ("livre", "livres", "m", "book", "books", "or"),
    ("lettre", "lettres", "f", "letter", "letters", "or"),
    ("journal", "journaux", "m", "newspaper", "newspapers", "or"),
    ("carte", "cartes", "f", "map", "maps", "or"),
    ("voiture", "voitures", "f", "car", "cars", "ovc"),
    ("vélo", "vélos", "m", "bike", "bikes", "ov"),
    ("bateau", "bateaux", "m", "boat", "boats", "ov"),
    ("camion", "camions", "m", "truck", "trucks", "ov"),
    ("table", "tables", "f", "table", "tables", "os"),
    ("chaise", "chaises", "f", "chair", "chairs", "os"),
    ("lit", "lits", "m", "bed", "beds", "os"),
    ("banc", "bancs", "m", "bench", "benches", "os"),
    ("bureau", "bureaux", "m", "desk", "desks", "os"),
    ("sac", "sacs", "m", "bag", "bags", "oc"),
    ("valise", "valises", "f", "suitcase", "suitcases", "oc"),
    ("boîte", "boîtes", "f", "box", "boxes", "oc"),
    ("porte", "portes", "f", "door", "doors", "oc"),
    ("fenêtre", "fenêtres", "f", "window", "windows", "oc"),
    ("chapeau", "chapeaux", "m", "hat", "hats", "o"),
    ("robe", "robes", "f", "dress", "dresses", "o"),
    ("chemise", "chemises", "f", "shirt", "shirts", "o"),
    ("clé", "clés", "f", "key", "keys", "o"),
    ("tasse", "tasses", "f", "cup", "cups", "o"),
    ("verre", "verres", "m", "glass", "glasses", "o"),
    ("assiette", "assiettes", "f", "plate", "plates", "o"),
    ("stylo", "stylos", "m", "pen", "pens", "o"),
    ("ordinateur", "ordinateurs", "m", "computer", "computers", "o"),
    ("téléphone", "téléphones", "m", "phone", "phones", "o"),
    ("lampe", "lampes", "f", "lamp", "lamps", "o"),
    ("ballon", "ballons", "m", "ball", "balls", "o"),
    ("parapluie", "parapluies", "m", "umbrella", "umbrellas", "o"),
    ("fleur", "fleurs", "f", "flower", "flowers", "o"),
    ("photo", "photos", "f", "photo", "photos", "o"),
    ("pomme", "pommes", "f", "apple", "apples", "f"),
    ("orange", "oranges", "f", "orange", "oranges", "f"),
    ("banane", "bananes", "f", "banana", "bananas", "f"),
    ("gâteau", "gâteaux", "m", "cake", "cakes", "f"),
    ("tarte", "tartes", "f", "pie", "pies", "f"),
    ("soupe", "soupes", "f", "soup", "soups", "f"),
    ("œuf", "œufs", "m", "egg", "eggs", "f"),
    ("carotte", "carottes", "f", "carrot", "carrots", "f"),
    ("tomate", "tomates", "f", "tomato", "tomatoes", "f"),
    ("sandwich", "sandwichs", "m", "sandwich", "sandwiches", "f"),
    ("croissant", "croissants", "m", "croissant", "croissants", "f"),
    ("fromage", "fromages", "m", "cheese", "cheeses", "f"),
    ("jardin", "jardins", "m", "garden", "gardens", "l"),
    ("parc", "parcs", "m", "park", "parks", "ld"),
    ("maison", "maisons", "f", "house", "houses", "l"),
    ("cuisine", "cuisines", "f", "kitchen", "kitchens", "l"),
    ("forêt", "forêts", "f", "forest", "forests", "l"),
    ("rue", "rues", "f", "street", "streets", "l"),
    ("ville", "villes", "f", "town", "towns", "l"),
    ("marché", "marchés", "m", "market", "markets", "d"),
    ("plage", "plages", "f", "beach", "beaches", "d"),
    ("gare", "gares", "f", "station", "stations", "d"),
    ("école", "écoles", "f", "school", "schools", "d"),
    ("musée", "musées", "m", "museum", "museums", "d"),
    ("bibliothèque", "bibliothèques", "f", "library", "libraries", "d"),
    ("boulangerie", "boulangeries", "f", "bakery", "bakeries", "d"),
    ("hôpital", "hôpitaux", "m", "hospital", "hospitals", "d"),
    ("cinéma", "cinémas", "m", "cinema", "cinemas", "d"),
    ("restaurant", "restaurants", "m", "restaurant", "restaurants", "d"),
    ("piscine", "piscines", "f", "swimming pool", "swimming pools", "d"),
    ("église", "églises", "f", "church", "churches", "d"),
    ("pont", "ponts", "m", "bridge", "bridges", "s"),
    ("arbre", "arbres", "m", "tree", "trees", "s"),
]

# Adjectives (all placed after the noun in French): m. sg, f. sg, m. pl, f. pl, English, noun classes.
ADJECTIVES = [
    ("rouge", "rouge", "rouges", "rouges", "red", "aov"),
    ("bleu", "bleue", "bleus", "bleues", "blue", "aov"),
    ("vert", "verte", "verts", "vertes", "green", "aovf"),
    ("noir", "noire", "noirs", "noires", "black", "aov"),
    ("blanc", "blanche", "blancs", "blanches", "white", "aov"),
    ("jaune", "jaune", "jaunes", "jaunes", "yellow", "aovf"),
    ("gris", "grise", "gris", "grises", "gray", "aov"),
    ("marron", "marron", "marron", "marron", "brown", "aov"),
    ("rose", "rose", "roses", "roses", "pink", "ov"),
    ("orange", "orange", "orange", "orange", "orange", "ov"),
    ("fatigué", "fatiguée", "fatigués", "fatiguées", "tired", "pa"),
    ("heureux", "heureuse", "heureux", "heureuses", "happy", "pa"),
    ("triste", "triste", "tristes", "tristes", "sad", "p"),
    ("célèbre", "célèbre", "célèbres", "célèbres", "famous", "p"),
    ("malade", "malade", "malades", "malades", "sick", "pa"),
    ("timide", "timide", "timides", "timides", "shy", "pa"),
    ("gentil", "gentille", "gentils", "gentilles", "kind", "p"),
    ("intelligent", "intelligente", "intelligents", "intelligentes", "clever", "pa"),
    ("rapide", "rapide", "rapides", "rapides", "fast", "av"),
    ("lent", "lente", "lents", "lentes", "slow", "av"),
    ("lourd", "lourde", "lourds", "lourdes", "heavy", "oc"),
    ("léger", "légère", "légers", "légères", "light", "oc"),
    ("cassé", "cassée", "cassés", "cassées", "broken", "ov"),
    ("vide", "vide", "vides", "vides", "empty", "c"),
    ("propre", "propre", "propres", "propres", "clean", "ov"),
    ("sale", "sale", "sales", "sales", "dirty", "ova"),
    ("cher", "chère", "chers", "chères", "expensive", "ov"),
    ("moderne", "moderne", "modernes", "modernes", "modern", "ovd"),
    ("chaud", "chaude", "chauds", "chaudes", "hot", "f"),
    ("froid", "froide", "froids", "froides", "cold", "f"),
    ("délicieux", "délicieuse", "délicieux", "délicieuses", "delicious", "f"),
    ("frais", "fraîche", "frais", "fraîches", "fresh", "f"),
    ("calme", "calme", "calmes", "calmes", "quiet", "ld"),
    ("ancien", "ancienne", "anciens", "anciennes", "old", "d"),
]

NAMES = [
    ("Marie", "f"), ("Paul", "m"), ("Sophie", "f"), ("Louis", "m"), ("Claire", "f"), ("Hugo", "m"),
    ("Emma", "f"), ("Lucas", "m"), ("Léa", "f"), ("Thomas", "m"), ("Julie", "f"), ("Nicolas", "m"),
    ("Anne", "f"), ("Pierre", "m"), ("Camille", "f"), ("Jules", "m"), ("Chloé", "f"), ("Antoine", "m"),
    ("Inès", "f"), ("Olivier", "m"), ("Manon", "f"), ("Éric", "m"),
]

# Subject pronouns: French, person index (0..5), gender, English, English agreement class.
PRONOUNS = [
    ("je", 0, "m", "I", "1"), ("tu", 1, "m", "you", "p"), ("il", 2, "m", "he", "3"),
    ("elle", 2, "f", "she", "3"), ("nous", 3, "m", "we", "p"), ("vous", 4, "m", "you", "p"),
    ("ils", 5, "m", "they", "p"), ("elles", 5, "f", "they", "p"),
]

NUMBERS = [
    ("deux", "two"), ("trois", "three"), ("quatre", "four"), ("cinq", "five"), ("six", "six"),
    ("sept", "seven"), ("huit", "eight"), ("neuf", "nine"), ("dix", "ten"), ("onze", "eleven"),
    ("douze", "twelve"), ("vingt", "twenty"),
]


def er(inf):
    """Present tense of a regular -er verb (with the -ger spelling rule)."""
    stem = inf[:-2]
    nous = stem + ("eons" if stem.endswith("g") else "ons")
    return [stem + "e", stem + "es", stem + "e", nous, stem + "ez", stem + "ent"]


# Verbs: infinitive, present (je..ils), participle, auxiliary, English base, 3sg, past, object classes.
# Object classes "" = intransitive; "D" = takes a destination (à ...).
TRANSITIVE = [
    ("voir", ["vois", "vois", "voit", "voyons", "voyez", "voient"], "vu", "see", "sees", "saw", "paofvcsd"),
    ("regarder", er("regarder"), "regardé", "watch", "watches", "watched", "pavo"),
    ("manger", er("manger"), "mangé", "eat", "eats", "ate", "f"),
    ("acheter", ["achète", "achètes", "achète", "achetons", "achetez", "achètent"], "acheté", "buy", "buys", "bought", "ofvc"),
    ("vendre", ["vends", "vends", "vend", "vendons", "vendez", "vendent"], "vendu", "sell", "sells", "sold", "ofvc"),
    ("chercher", er("chercher"), "cherché", "look for", "looks for", "looked for", "pao"),
    ("trouver", er("trouver"), "trouvé", "find", "finds", "found", "pao"),
    ("perdre", ["perds", "perds", "perd", "perdons", "perdez", "perdent"], "perdu", "lose", "loses", "lost", "o"),
    ("prendre", ["prends", "prends", "prend", "prenons", "prenez", "prennent"], "pris", "take", "takes", "took", "ofc"),
    ("aimer", er("aimer"), "aimé", "like", "likes", "liked", "paofv"),
    ("porter", er("porter"), "porté", "carry", "carries", "carried", "oc"),
    ("ouvrir", ["ouvre", "ouvres", "ouvre", "ouvrons", "ouvrez", "ouvrent"], "ouvert", "open", "opens", "opened", "cr"),
    ("fermer", er("fermer"), "fermé", "close", "closes", "closed", "c"),
    ("lire", ["lis", "lis", "lit", "lisons", "lisez", "lisent"], "lu", "read", "reads", "read", "r"),
    ("écrire", ["écris", "écris", "écrit", "écrivons", "écrivez", "écrivent"], "écrit", "write", "writes", "wrote", "r"),
    ("laver", er("laver"), "lavé", "wash", "washes", "washed", "oav"),
    ("préparer", ["prépare", "prépares", "prépare", "préparons", "préparez", "préparent"], "préparé", "prepare", "prepares", "prepared", "f"),
    ("appeler", ["appelle", "appelles", "appelle", "appelons", "appelez", "appellent"], "appelé", "call", "calls", "called", "pa"),
    ("aider", er("aider"), "aidé", "help", "helps", "helped", "p"),
    ("attendre", ["attends", "attends", "attend", "attendons", "attendez", "attendent"], "attendu", "wait for", "waits for", "waited for", "p"),
    ("dessiner", er("dessiner"), "dessiné", "draw", "draws", "drew", "paovfsd"),
    ("conduire", ["conduis", "conduis", "conduit", "conduisons", "conduisez", "conduisent"], "conduit", "drive", "drives", "drove", "v"),
    ("réparer", ["répare", "répares", "répare", "réparons", "réparez", "réparent"], "réparé", "fix", "fixes", "fixed", "vos"),
    ("choisir", ["choisis", "choisis", "choisit", "choisissons", "choisissez", "choisissent"], "choisi", "choose", "chooses", "chose", "ofv"),
    ("finir", ["finis", "finis", "finit", "finissons", "finissez", "finissent"], "fini", "finish", "finishes", "finished", "fr"),
    ("cacher", er("cacher"), "caché", "hide", "hides", "hid", "oc"),
]

# Intransitive verbs: infinitive, present, participle, auxiliary, English base, 3sg, past, complement.
# Complement: "L" = optional location, "D" = destination (à ... = to ...), "A" = arrival point (à ... = at ...).
INTRANSITIVE = [
    ("dormir", ["dors", "dors", "dort", "dormons", "dormez", "dorment"], "dormi", "avoir", "sleep", "sleeps", "slept", "L"),
    ("travailler", er("travailler"), "travaillé", "avoir", "work", "works", "worked", "L"),
    ("chanter", er("chanter"), "chanté", "avoir", "sing", "sings", "sang", "L"),
    ("danser", er("danser"), "dansé", "avoir", "dance", "dances", "danced", "L"),
    ("jouer", er("jouer"), "joué", "avoir", "play", "plays", "played", "L"),
    ("marcher", er("marcher"), "marché", "avoir", "walk", "walks", "walked", "L"),
    ("courir", ["cours", "cours", "court", "courons", "courez", "courent"], "couru", "avoir", "run", "runs", "ran", "L"),
    ("nager", er("nager"), "nagé", "avoir", "swim", "swims", "swam", "L"),
    ("attendre", ["attends", "attends", "attend", "attendons", "attendez", "attendent"], "attendu", "avoir", "wait", "waits", "waited", "L"),
    ("aller", ["vais", "vas", "va", "allons", "allez", "vont"], "allé", "être", "go", "goes", "went", "D"),
    ("arriver", er("arriver"), "arrivé", "être", "arrive", "arrives", "arrived", "A"),
    ("rester", er("rester"), "resté", "être", "stay", "stays", "stayed", "L"),
    ("tomber", er("tomber"), "tombé", "être", "fall", "falls", "fell", "L"),
    ("partir", ["pars", "pars", "part", "partons", "partez", "partent"], "parti", "être", "leave", "leaves", "left", "T"),
]

AVOIR = ["ai", "as", "a", "avons", "avez", "ont"]
ETRE = ["suis", "es", "est", "sommes", "êtes", "sont"]
ETRE_IMPARFAIT = ["étais", "étais", "était", "étions", "étiez", "étaient"]
ALLER = ["vais", "vas", "va", "allons", "allez", "vont"]

# Locative prepositions: French, English, noun classes they go with.
LOCATIVES = [
    ("dans", "in", "l"), ("sur", "on", "s"), ("sous", "under", "s"), ("devant", "in front of", "lsd"),
    ("derrière", "behind", "lsd"), ("près de", "near", "lsd"), ("à côté de", "next to", "sd"),
]

TIME = {
    "present": [("aujourd'hui", "today"), ("ce matin", "this morning"), ("ce soir", "this evening")],
    "past": [("hier", "yesterday"), ("hier soir", "last night"), ("ce matin", "this morning"),
             ("lundi", "on Monday"), ("samedi", "on Saturday")],
    "future": [("demain", "tomorrow"), ("ce soir", "tonight"), ("dimanche", "on Sunday"),
               ("demain matin", "tomorrow morning")],
}

# Verbs whose subject may be an animal; every other verb takes a person (or a pronoun, or a name).
ANIMAL_SUBJECTS = {"voir", "regarder", "manger", "chercher", "trouver", "aimer", "dormir", "jouer", "courir",
                   "nager", "marcher", "tomber", "rester", "attendre", "arriver", "partir"}

VOWELS = set("aeiouyhàâäéèêëîïôöûüœAEIOUYHÀÂÉÈÊÎÔÛŒ")


# ---------------------------------------------------------------- phrases

class NP:
    """A noun phrase in both languages with what agreement needs."""

    def __init__(self, fr, en, person, plural, gender, english_agr):
        self.fr, self.en = fr, en
        self.person = person          # 0..5, index into French conjugation tables
        self.plural, self.gender = plural, gender
        self.english_agr = english_agr  # "1" (I), "3" (he/she/it/singular NP), "p" (you/we/they/plural)


def nouns_of(classes):
    return [n for n in NOUNS if set(n[5]) & set(classes)]


def adjective_for(rng, noun):
    options = [a for a in ADJECTIVES if set(a[5]) & set(noun[5])]
    return rng.choice(options) if options else None


def noun_phrase(rng, classes, kinds=("def", "indef", "poss", "dem", "num"), adj_p=0.3, negated=False):
    noun = rng.choice(nouns_of(classes))
    fr_sg, fr_pl, gender, en_sg, en_pl, _ = noun
    kind = rng.choice(kinds)
    plural = kind == "num" or rng.random() < 0.35
    fr_noun, en_noun = (fr_pl, en_pl) if plural else (fr_sg, en_sg)
    adj = adjective_for(rng, noun) if rng.random() < adj_p else None
    fr_adj = en_adj = None
    if adj:
        fr_adj = adj[{("m", False): 0, ("f", False): 1, ("m", True): 2, ("f", True): 3}[(gender, plural)]]
        en_adj = adj[4]
    vowel = fr_noun[0] in VOWELS
    if kind == "def":
        fr_det, en_det = ("les" if plural else ("le" if gender == "m" else "la")), "the"
    elif kind == "indef":
        if negated:
            fr_det, en_det = "de", ("any" if plural else "a")
        else:
            fr_det, en_det = ("des", "") if plural else ("un" if gender == "m" else "une", "a")
    elif kind == "poss":
        owner = rng.choice([("mon", "ma", "mes", "my"), ("notre", "notre", "nos", "our"),
                            ("leur", "leur", "leurs", "their"), ("ton", "ta", "tes", "your")])
        if plural:
            fr_det = owner[2]
        elif gender == "f" and not vowel:
            fr_det = owner[1]
        else:
            fr_det = owner[0]  # ma amie -> mon amie
        en_det = owner[3]
    elif kind == "dem":
        if plural:
            fr_det, en_det = "ces", "these"
        else:
            fr_det = "cette" if gender == "f" else ("cet" if vowel else "ce")
            en_det = "this"
    else:
        number = rng.choice(NUMBERS)
        fr_det, en_det = number
    fr = [fr_det, fr_noun] + ([fr_adj] if fr_adj else [])
    en = ([en_det] if en_det else []) + ([en_adj] if en_adj else []) + [en_noun]
    return NP(fr, en, 5 if plural else 2, plural, gender, "p" if plural else "3")


def subject(rng, classes="pa", adj_p=0.3, kinds=("def", "def", "poss", "dem", "indef")):
    r = rng.random()
    if r < 0.3:
        fr, person, gender, en, agr = rng.choice(PRONOUNS)
        return NP([fr], [en], person, person >= 3, gender, agr)
    if r < 0.6:
        name, gender = rng.choice(NAMES)
        return NP([name], [name], 2, False, gender, "3")
    return noun_phrase(rng, classes, kinds=kinds, adj_p=adj_p)


def location(rng, classes="lsd"):
    prep_fr, prep_en, prep_classes = rng.choice([l for l in LOCATIVES if set(l[2]) & set(classes)])
    noun = noun_phrase(rng, prep_classes, kinds=("def", "def", "poss", "dem"), adj_p=0.15)
    return prep_fr.split() + noun.fr, prep_en.split() + noun.en


def destination(rng, to="to"):
    np_ = noun_phrase(rng, "d", kinds=("def",), adj_p=0.1)
    return ["à"] + np_.fr, [to] + np_.en


def en_be(agr, past=False):
    if past:
        return "was" if agr in "13" else "were"
    return {"1": "am", "3": "is", "p": "are"}[agr]


def en_do(agr, past=False):
    return "did" if past else ("does" if agr == "3" else "do")


def participle_agreement(part, subj):
    """Passé composé with être: the participle agrees with the subject."""
    return part + ("e" if subj.gender == "f" else "") + ("s" if subj.plural else "")


# ---------------------------------------------------------------- clauses

def verb_clause(rng, subj, verb, tense, negate, question, obj_fr, obj_en, aux="avoir"):
    """French and English words of subject + verb (+ object words already built) in a tense."""
    fr_inf, fr_pres, fr_part = verb[0], verb[1], verb[2]
    en_base, en_3sg, en_past = verb[-4], verb[-3], verb[-2]
    p = subj.person
    ne, pas = (["ne"], ["pas"]) if negate else ([], [])
    if tense == "present":
        fr = subj.fr + ne + [fr_pres[p]] + pas + obj_fr
    elif tense == "past":
        if aux == "être":
            fr = subj.fr + ne + [ETRE[p]] + pas + [participle_agreement(fr_part, subj)] + obj_fr
        else:
            fr = subj.fr + ne + [AVOIR[p]] + pas + [fr_part] + obj_fr
    else:
        fr = subj.fr + ne + [ALLER[p]] + pas + [fr_inf] + obj_fr
    if tense == "future":
        be = en_be(subj.english_agr)
        if question:
            en = [be] + subj.en + ["going", "to", en_base] + obj_en
        else:
            en = subj.en + [be] + (["not"] if negate else []) + ["going", "to", en_base] + obj_en
    elif question:
        en = [en_do(subj.english_agr, tense == "past")] + subj.en + [en_base] + obj_en
    elif negate:
        en = subj.en + [en_do(subj.english_agr, tense == "past"), "not", en_base] + obj_en
    else:
        form = en_past if tense == "past" else (en_3sg if subj.english_agr == "3" else en_base)
        en = subj.en + [form] + obj_en
    if question:
        fr = ["est-ce", "que"] + fr
    return fr, en


def pick_tense(rng):
    return rng.choices(["present", "past", "future"], weights=[5, 4, 2])[0]


def maybe_time(rng, tense, fr, en, p=0.25):
    if rng.random() < p:
        t_fr, t_en = rng.choice(TIME[tense])
        return fr + t_fr.split(), en + t_en.split()
    return fr, en


def transitive(rng):
    verb = rng.choice(TRANSITIVE)
    tense = pick_tense(rng)
    question = rng.random() < 0.15
    negate = not question and rng.random() < 0.25
    kinds = ("def", "indef", "poss", "dem") if negate else ("def", "indef", "poss", "dem", "num")
    obj = noun_phrase(rng, verb[6], kinds=kinds, negated=negate)
    subj = subject(rng, "pa" if verb[0] in ANIMAL_SUBJECTS else "p")
    fr, en = verb_clause(rng, subj, verb, tense, negate, question, obj.fr, obj.en)
    if rng.random() < 0.25:
        l_fr, l_en = location(rng)
        fr, en = fr + l_fr, en + l_en
    fr, en = maybe_time(rng, tense, fr, en)
    return fr, en, question


def intransitive(rng):
    verb = rng.choice(INTRANSITIVE)
    tense = pick_tense(rng)
    question = rng.random() < 0.15
    negate = not question and rng.random() < 0.25
    comp = verb[7]
    subj = subject(rng, "pa" if verb[0] in ANIMAL_SUBJECTS and comp != "D" else "p")
    extra_fr, extra_en = [], []
    if comp == "L" and rng.random() < 0.7:
        extra_fr, extra_en = location(rng)
    elif comp == "D":
        extra_fr, extra_en = destination(rng, "to")
    elif comp == "A":
        extra_fr, extra_en = destination(rng, "at")
    fr, en = verb_clause(rng, subj, verb, tense, negate, question, extra_fr, extra_en, aux=verb[3])
    fr, en = maybe_time(rng, tense, fr, en, p=0.5 if comp == "T" else 0.25)
    return fr, en, question


def ditransitive(rng):
    verb = rng.choice([
        ("donner", er("donner"), "donné", "give", "gives", "gave", ""),
        ("montrer", er("montrer"), "montré", "show", "shows", "showed", ""),
        ("envoyer", ["envoie", "envoies", "envoie", "envoyons", "envoyez", "envoient"], "envoyé", "send", "sends", "sent", ""),
        ("apporter", er("apporter"), "apporté", "bring", "brings", "brought", ""),
    ])
    tense = pick_tense(rng)
    question = rng.random() < 0.1
    subj = subject(rng, "p")
    obj = noun_phrase(rng, "ofr", kinds=("def", "indef", "poss"), adj_p=0.2)
    if rng.random() < 0.5:
        name, _ = rng.choice(NAMES)
        rec_fr, rec_en = [name], [name]
    else:
        rec = noun_phrase(rng, "p", kinds=("def", "poss"), adj_p=0.0)
        rec_fr, rec_en = rec.fr, rec.en
    fr, en = verb_clause(rng, subj, verb, tense, False, question, obj.fr + ["à"] + rec_fr, obj.en + ["to"] + rec_en)
    return fr, en, question


def copula(rng):
    subj = subject(rng, classes="paovf", adj_p=0.0, kinds=("def", "def", "poss", "dem"))
    if len(subj.fr) == 1 and subj.fr[0][0].islower():
        classes = "p"  # pronouns: people adjectives
    else:
        noun = next((n for n in NOUNS if subj.fr[1] in (n[0], n[1])), None) if len(subj.fr) > 1 else None
        classes = noun[5] if noun else "p"
    options = [a for a in ADJECTIVES if set(a[5]) & set(classes)]
    adj = rng.choice(options)
    fr_adj = adj[{("m", False): 0, ("f", False): 1, ("m", True): 2, ("f", True): 3}[(subj.gender, subj.plural)]]
    past = rng.random() < 0.3
    question = rng.random() < 0.2
    negate = not question and rng.random() < 0.25
    verb = (ETRE_IMPARFAIT if past else ETRE)[subj.person]
    fr = subj.fr + (["ne", verb, "pas"] if negate else [verb]) + [fr_adj]
    be = en_be(subj.english_agr, past)
    if question:
        fr = ["est-ce", "que"] + fr
        en = [be] + subj.en + [adj[4]]
    else:
        en = subj.en + [be] + (["not"] if negate else []) + [adj[4]]
    if rng.random() < 0.3:
        tense = "past" if past else "present"
        fr, en = maybe_time(rng, tense, fr, en, p=1.0)
    return fr, en, question


def where_is(rng):
    """Où est le chat ? / Le chat est dans le jardin."""
    thing = subject(rng, classes="paov", kinds=("def", "poss", "dem")) if rng.random() < 0.5 else noun_phrase(rng, "paov", kinds=("def", "poss"))
    if len(thing.fr) == 1 and thing.fr[0][0].islower():
        thing = noun_phrase(rng, "pao", kinds=("def", "poss"))
    l_fr, l_en = location(rng)
    be_fr = ETRE[thing.person]
    be = en_be(thing.english_agr)
    if rng.random() < 0.4:
        return ["où", be_fr] + thing.fr, ["where", be] + thing.en, True
    negate = rng.random() < 0.25
    fr = thing.fr + (["ne", be_fr, "pas"] if negate else [be_fr]) + l_fr
    en = thing.en + [be] + (["not"] if negate else []) + l_en
    return fr, en, False


def there_is(rng):
    """Il y a trois chats dans le jardin. / Combien de chats y a-t-il ... ?"""
    noun = rng.choice(nouns_of("paof"))
    l_fr, l_en = location(rng, classes="ls")
    r = rng.random()
    if r < 0.2:
        return (["combien", "de", noun[1], "y", "a-t-il"] + l_fr,
                ["how", "many", noun[4], "are", "there"] + l_en, True)
    if r < 0.4:
        plural = rng.random() < 0.5
        fr = ["il", "ne", "y", "a", "pas", "de", noun[1] if plural else noun[0]] + l_fr
        en = ["there", "are", "no", noun[4]] if plural else ["there", "is", "no", noun[3]]
        return fr, en + l_en, False
    np_ = noun_phrase(rng, noun[5], kinds=("indef", "num", "num"), adj_p=0.3)
    past = rng.random() < 0.25
    fr = ["il", "y", "avait" if past else "a"] + np_.fr + l_fr
    be = en_be("p" if np_.plural else "3", past)
    return fr, ["there", be] + np_.en + l_en, False


def have(rng):
    """Paul a trois chats. / Paul n'a pas de chien. / Est-ce que Paul a un vélo ?"""
    subj = subject(rng, classes="p")
    question = rng.random() < 0.2
    negate = not question and rng.random() < 0.3
    obj = noun_phrase(rng, "aov", kinds=("indef", "num") if not negate else ("indef",), negated=negate)
    verb = AVOIR[subj.person]
    fr = subj.fr + (["ne", verb, "pas"] if negate else [verb]) + obj.fr
    has = "has" if subj.english_agr == "3" else "have"
    if question:
        fr = ["est-ce", "que"] + fr
        en = [en_do(subj.english_agr)] + subj.en + ["have"] + obj.en
    elif negate:
        en = subj.en + [en_do(subj.english_agr), "not", "have"] + obj.en
    else:
        en = subj.en + [has] + obj.en
    return fr, en, question


def who_what(rng):
    """Qui a vu le chat ? / Qu'est-ce que Marie a acheté ?"""
    tense = rng.choice(["present", "past"])
    if rng.random() < 0.5:
        verb = rng.choice(TRANSITIVE)
        obj = noun_phrase(rng, verb[6], kinds=("def", "poss", "dem"))
        if tense == "present":
            fr, en = ["qui", verb[1][2]] + obj.fr, ["who", verb[4]] + obj.en
        else:
            fr, en = ["qui", "a", verb[2]] + obj.fr, ["who", verb[5]] + obj.en
    else:
        verb = rng.choice([v for v in TRANSITIVE if set(v[6]) & set("ofrvc")])  # "what" asks for a thing
        subj = subject(rng, "pa" if verb[0] in ANIMAL_SUBJECTS else "p")
        fr, en = verb_clause(rng, subj, verb, tense, False, True, [], [])
        fr, en = ["qu'est-ce"] + fr[1:], ["what"] + en
        if rng.random() < 0.3:
            l_fr, l_en = location(rng)
            fr, en = fr + l_fr, en + l_en
    return fr, en, True


GENERATORS = [(transitive, 34), (intransitive, 18), (ditransitive, 8), (copula, 12), (where_is, 8),
              (there_is, 8), (have, 7), (who_what, 5)]


# ---------------------------------------------------------------- surface forms

def french_surface(words, question):
    out = []
    for w in words:
        out.extend(w.split())
    # contractions: à le -> au, à les -> aux, de le -> du, de les -> des (not before a vowel: à l'école)
    merged = []
    i = 0
    while i < len(out):
        w = out[i]
        nxt = out[i + 1] if i + 1 < len(out) else ""
        after = out[i + 2] if i + 2 < len(out) else ""
        if w in ("à", "de") and nxt == "les":
            merged.append("aux" if w == "à" else "des")
            i += 2
            continue
        if w in ("à", "de") and nxt == "le" and after and after[0] not in VOWELS:
            merged.append("au" if w == "à" else "du")
            i += 2
            continue
        merged.append(w)
        i += 1
    # elision: le/la/je/ne/de/que + vowel or mute h -> l'/j'/n'/d'/qu'
    text = []
    for w in merged:
        if text and text[-1] in ("le", "la", "je", "ne", "de", "que") and w[0] in VOWELS:
            prev = text.pop()
            text.append(prev[:-1] + "'" + w)
        else:
            text.append(w)
    s = " ".join(text)
    s = s[0].upper() + s[1:]
    return s + (" ?" if question else ".")


def english_surface(words, question):
    out = []
    for w in words:
        out.extend(w.split())
    for i, w in enumerate(out[:-1]):
        if w == "a" and out[i + 1][0] in "aeiou":
            out[i] = "an"
    s = " ".join(out)
    s = s[0].upper() + s[1:]
    return s + ("?" if question else ".")


# ---------------------------------------------------------------- main

def generate(seed, count):
    rng = random.Random(seed)
    funcs, weights = zip(*GENERATORS)
    seen_fr, seen_en, pairs = set(), set(), []
    attempts = 0
    while len(pairs) < count:
        attempts += 1
        if attempts > count * 50:
            raise SystemExit(f"only {len(pairs)} distinct pairs after {attempts} attempts")
        fn = rng.choices(funcs, weights=weights)[0]
        fr_words, en_words, question = fn(rng)
        fr = french_surface(fr_words, question)
        en = english_surface(en_words, question)
        n_fr, n_en = len(fr.split()), len(en.split())
        if not (4 <= n_fr <= 12 and 4 <= n_en <= 12):
            continue
        # One French sentence per English one and vice versa, so no sentence is in two splits.
        if fr in seen_fr or en in seen_en:
            continue
        seen_fr.add(fr)
        seen_en.add(en)
        pairs.append((fr, en))
    return pairs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "data", "sample"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--train", type=int, default=5000)
    parser.add_argument("--dev", type=int, default=300)
    parser.add_argument("--test", type=int, default=300)
    args = parser.parse_args()
    pairs = generate(args.seed, args.train + args.dev + args.test)
    splits = {"dev": pairs[:args.dev], "test": pairs[args.dev:args.dev + args.test],
              "train": pairs[args.dev + args.test:]}
    os.makedirs(args.out, exist_ok=True)
    for name, rows in splits.items():
        for lang, idx in (("fr", 0), ("en", 1)):
            with open(os.path.join(args.out, f"{name}.{lang}"), "w", encoding="utf-8", newline="\n") as f:
                f.writelines(row[idx] + "\n" for row in rows)


if __name__ == "__main__":
    main()
