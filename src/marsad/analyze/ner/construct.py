"""An organization head noun in construct state joins the name that follows it.

In «جامعة القاهرة», «حزب الوفد», «معهد كاليفورنيا» the head noun (جامعة، حزب، معهد …, from
``lists/org_words.txt``) takes no article and the name after it is its genitive: together
they are one organization. The taggers know this from ANERcorp, where «جامعة القاهرة» is
one ORG, but a strong place or person inside the name can still win: they answer
[جامعة]ORG [القاهرة]LOC. When the head alone is tagged ORG and a place or person starts
right after it, the two become one ORG.

Not when the head carries the article (then it is not in construct state: «الناتو
بأفغانستان») or the next word a preposition or conjunction (a new phrase). On ANERcorp it
fires twice in the 3,534 out-of-fold sentences (both already wrong) and never on dev; on
our encyclopedic set it fixes nine university names: ORG F1 58.5 → 61.7 (that set is
where the pattern was noticed, so read the gain as in-sample). Also joining a head the
taggers left O («جامعة/O بغداد/LOC») was tried: out-of-fold 79.39 → 79.20 — ANERcorp itself
leaves such heads out often enough («جامعة/O اوكسفورد/ORG») — so a head must be tagged ORG.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from marsad.analyze.ner.scorer import spans_from_bio

JOINS = ("LOC", "PERS")


def join_construct_heads(labels: Sequence[str], heads: Sequence[bool],
                         prefixes: Sequence[str]) -> list[str]:
    """``labels`` with each lone ORG head (``heads[i]``: an organization head noun without
    the article) merged with a LOC/PERS entity that starts right after it, when that
    entity's first word has no clitic other than the article (``prefixes``)."""
    out = list(labels)
    spans = spans_from_bio(labels)
    for (a, b, t), (c, d, u) in pairwise(spans):
        if t == "ORG" and b - a == 1 and c == b and u in JOINS and heads[a] \
                and prefixes[c] in ("", "ال"):
            for i in range(c, d):
                out[i] = "I-ORG"
    return out
