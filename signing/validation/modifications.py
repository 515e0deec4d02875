"""What may change in a PDF after it was signed, and what may not.

pyHanko's standard difference analysis is the base: later signatures, DSS and document
timestamps, metadata and form filling are allowed, everything else is a modification. Two
corrections make it fit real documents and real attacks:

- it rejects harmless writer habits (freeing a never-used object number, a choice field's
  selected index ``/I`` changing with its value, a validator rewriting the DSS's per-signature
  /VRI entries), which made intact files look modified;
- it accepts a new appearance for a form field whose value did not change, which is how the
  "replace" shadow attack changes what a page shows: here a field's appearance may only
  change together with its value (form filling).
"""

import heapq
import weakref
from collections.abc import Iterable

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    ModificationLevel,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.constants import VALUE_UPDATE_KEYS
from pyhanko.sign.diff_analysis.form_rules_api import (
    FieldComparisonContext,
    FieldComparisonSpec,
    FormUpdate,
    FormUpdatingRule,
)
from pyhanko.sign.diff_analysis.policies import _find_orphans
from pyhanko.sign.diff_analysis.rules.form_field_rules import (
    DSSCompareRule,
    GenericFieldModificationRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
)
from pyhanko.sign.diff_analysis.rules_api import ReferenceUpdate, WhitelistRule


def _value(field: generic.DictionaryObject):
    value = field.get("/V")
    if value in (None, "", b"") or isinstance(value, generic.NullObject):
        return None
    return value


def _appearance(field: generic.DictionaryObject):
    """The field's appearance as references, so a rewritten dictionary with the same streams
    compares equal."""
    appearance = field.get("/AP")
    if not isinstance(appearance, generic.DictionaryObject):
        return None
    return {key: appearance.raw_get(key) for key in appearance}, field.get("/AS")


def _detached(refs: Iterable[generic.Reference]) -> frozenset[generic.Reference]:
    """References without their reader, to keep in a cache keyed weakly by the reader's
    revision: a reference holds its reader, which would keep the key, and the file, alive."""
    return frozenset(generic.Reference(ref.idnum, ref.generation) for ref in refs)


def _newest_paths(resolver: HistoricalResolver, start) -> dict[tuple[int, int], int]:
    """For each object ``start`` leads to in ``resolver``'s revision, the latest revision
    ``r`` such that ``resolver.collect_dependencies(start, since_revision=r)`` finds it.

    That scan only goes through objects introduced in ``r`` or later, so an object is found
    exactly when some path to it passes only such objects: its number is the best, over the
    paths to it, of the oldest introducing revision along the path. Worked out once for all
    ``r`` (paths taken in order of that number), where the scan would walk the objects again
    for every earlier signature's revision.
    """
    xrefs = resolver.reader.xrefs
    best: dict[tuple[int, int], int] = {}
    waiting: list[tuple[int, int, int]] = []

    def reach(value, bound: float) -> None:
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, generic.IndirectObject):
                ref = item.reference
                key = (ref.idnum, ref.generation)
                newest = min(bound, xrefs.get_introducing_revision(ref))
                if newest > best.get(key, -1):
                    best[key] = newest
                    heapq.heappush(waiting, (-newest, *key))
            elif isinstance(item, generic.DictionaryObject):
                pending.extend(item.values())
            elif isinstance(item, generic.ArrayObject):
                pending.extend(item)

    reach(start, float("inf"))
    while waiting:
        newest, idnum, generation = heapq.heappop(waiting)
        if -newest == best[(idnum, generation)]:
            reach(resolver(generic.Reference(idnum, generation)), -newest)
    return best


class ValidationDataRule(WhitelistRule):
    """DSS updates, where a validator may also rewrite the /VRI entries of earlier signatures.

    Validation data never shows on a page; what must not happen is an object the signed
    revision used elsewhere being overwritten under cover of the DSS, so only objects that
    were new or already part of the DSS are accepted. Each revision's DSS is walked once per
    file, not once per signature (one file of the peer corpus has 24 signatures over 48
    revisions, each DSS larger than the last).
    """

    def __init__(self) -> None:
        self._dss_objects: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._dss_paths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _before(self, old: HistoricalResolver) -> set:
        """The objects of the signed revision's DSS, once per revision (a signature's revision
        is compared with every later one)."""
        objects = self._dss_objects.get(old)
        if objects is None:
            old_dss = old.root.raw_get("/DSS") if "/DSS" in old.root else None
            found = old.collect_dependencies(old_dss) if old_dss is not None else ()
            objects = self._dss_objects[old] = _detached(found)
        return objects

    def _written(self, new: HistoricalResolver, since: int) -> list[generic.Reference]:
        """What ``new.collect_dependencies(DSS, since_revision=since)`` finds."""
        paths = self._dss_paths.get(new)
        if paths is None:
            paths = self._dss_paths[new] = _newest_paths(new, new.root.raw_get("/DSS"))
        return [
            generic.Reference(idnum, generation, new)
            for (idnum, generation), newest in paths.items()
            if newest >= since
        ]

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        try:
            yield from list(DSSCompareRule().apply(old, new))
            return
        except SuspiciousModification as error:
            if "VRI" not in str(error):
                raise
        before = self._before(old)
        for ref in self._written(new, since=old.revision + 1):
            if ref not in before and not old.is_ref_unassignable(ref):
                existing = old(ref)
                if not isinstance(existing, generic.NullObject):
                    raise SuspiciousModification(f"the DSS overwrites object {ref.idnum}")
            yield ReferenceUpdate(ref)


class OrphanRule(WhitelistRule):
    """New objects of a revision that nothing refers to: leftovers of writers, harmless.

    pyHanko looks for them in every later revision once per signature; in a file with many
    signatures and DSS updates (one in the peer corpus has 24 signatures over 48 revisions)
    that was half the verification time. Here a revision's orphans are found once per file.
    """

    def __init__(self) -> None:
        self._found: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        orphans = self._found.get(new)
        if orphans is None:
            orphans = self._found[new] = _detached(_find_orphans(new))
        for ref in orphans:
            yield ReferenceUpdate(generic.Reference(ref.idnum, ref.generation, new))


class FieldFillingRule(GenericFieldModificationRule):
    """Form filling, where a field's appearance only changes together with its value."""

    def __init__(self) -> None:
        super().__init__(value_update_keys=VALUE_UPDATE_KEYS | {"/I"})

    def check_form_field(
        self, fq_name: str, spec: FieldComparisonSpec, context: FieldComparisonContext
    ) -> Iterable[tuple[ModificationLevel, FormUpdate]]:
        old, new = spec.old_field, spec.new_field
        if spec.field_type != "/Sig" and old is not None and new is not None:
            same_value = _value(old) == _value(new)
            old_appearance = _appearance(old)
            if same_value and old_appearance is not None and old_appearance != _appearance(new):
                raise SuspiciousModification(
                    f"the appearance of field {fq_name} changed without its value"
                )
        yield from super().check_form_field(fq_name, spec, context)


class _ReadingDiffPolicy(StandardDiffPolicy):
    """The standard analysis, made to answer on files it trips over.

    pyHanko's analysis raises on some structures it does not expect (a form field whose
    name has a period, a trailer reference no revision defines): the revisions are then
    analysed again by stricter policies (no orphan scan; then form fields frozen, any
    change to them a modification). Revisions that cannot be read at all (a stream with a
    wrong length, an object defined twice: the 'hide' shadow attack) are unexplained
    changes, never an error that loses the whole signature.
    """

    def __init__(self, fallbacks: tuple[StandardDiffPolicy, ...] = (), **settings) -> None:
        super().__init__(**settings)
        self.fallbacks = fallbacks

    def review_file(self, reader, base_revision, field_mdp_spec=None, doc_mdp=None):
        for policy in (super(), *self.fallbacks):
            try:
                return policy.review_file(reader, base_revision, field_mdp_spec, doc_mdp)
            except Exception as error:  # pyHanko's readers raise many kinds on hostile files
                problem = error
        return SuspiciousModification(
            f"the revisions after signing cannot be read ({type(problem).__name__}: {problem})"
        )


_GLOBAL_RULES = [
    ValidationDataRule().as_qualified(ModificationLevel.LTA_UPDATES)
    if isinstance(getattr(rule, "rule", None), DSSCompareRule)
    else rule
    for rule in DEFAULT_DIFF_POLICY.global_rules
]
_FORM_RULE = FormUpdatingRule(
    field_rules=[SigFieldCreationRule(), SigFieldModificationRule(), FieldFillingRule()]
)

EDOC_DIFF_POLICY = _ReadingDiffPolicy(
    fallbacks=(
        StandardDiffPolicy(
            _GLOBAL_RULES, _FORM_RULE, reject_object_freeing=False, ignore_orphaned_objects=False
        ),
        StandardDiffPolicy(
            _GLOBAL_RULES, None, reject_object_freeing=False, ignore_orphaned_objects=False
        ),
    ),
    global_rules=[*_GLOBAL_RULES, OrphanRule().as_qualified(ModificationLevel.LTA_UPDATES)],
    form_rule=_FORM_RULE,
    reject_object_freeing=False,
    ignore_orphaned_objects=False,
)
"""The difference analysis every verification uses."""
