"""``edoc sign``: sign PDF documents with PAdES, in batches, as Nghị định 30 asks."""

import json
import sys
from pathlib import Path

import click

from cli import KEY_ARGS, batch_options, current, key_source, pick, say


@click.group()
def sign() -> None:
    """Sign PDF documents with PAdES, as Nghị định 30 asks, in batches."""


def _run_batch(kind: str, options: dict, **spec_fields) -> None:
    from signing.baseline import Level
    from signing.sign.batch import Kind, SignSpec, plan, sign_batch
    from signing.sign.pades import Options
    from signing.validation.trust import load_certificates

    key = key_source(*(options.pop(name) for name in KEY_ARGS))
    tsa_url = options["tsa_url"]
    if options["ltv"] and not (tsa_url and options["trust"]):
        raise click.UsageError("--ltv needs --tsa and --trust")
    level = Level.B_LT if options["ltv"] else Level.B_T if tsa_url else Level.B_B
    trust = tuple(load_certificates(Path(p) for p in options["trust"]))
    spec = SignSpec(Kind(kind), key, options=Options(level, tsa_url, trust), **spec_fields)
    pairs = plan(
        [Path(p) for p in options["inputs"]], Path(options["output"]), options["recursive"]
    )
    counts = {"signed": 0, "skipped": 0, "error": 0}
    with click.progressbar(length=len(pairs), file=sys.stderr, label="edoc sign") as bar:
        for outcome in sign_batch(spec, pairs, options["jobs"]):
            bar.update(1)
            counts[outcome.status] += 1
            if options["as_json"]:
                click.echo(json.dumps(outcome.to_json(), ensure_ascii=False))
            elif outcome.status == "error":
                click.echo(outcome.error.in_(current().lang), err=True)
            elif outcome.status == "skipped":
                click.echo(
                    pick(
                        f"{outcome.input}: đã có chữ ký, bỏ qua",
                        f"{outcome.input}: already signed, skipped",
                    ),
                    err=True,
                )
            else:
                click.echo(outcome.output)
    say(
        f"{counts['signed']} đã ký, {counts['skipped']} bỏ qua, {counts['error']} lỗi",
        f"{counts['signed']} signed, {counts['skipped']} skipped, {counts['error']} failed",
    )
    if counts["error"]:
        sys.exit(1)


def _box(page: int | None, box: str | None):
    from signing.geometry import Box

    if box is None:
        return None
    try:
        x1, y1, x2, y2 = (float(v) for v in box.split(","))
    except ValueError as error:
        raise click.BadParameter(
            "expected X1,Y1,X2,Y2 in PDF points", param_hint="--box"
        ) from error
    return Box(page or 1, x1, y1, x2, y2)


def _read_image(path: str) -> bytes:
    from edoc.errors import SigningError
    from edoc.files import read_input

    return read_input(path, SigningError)


@sign.command()
@batch_options
@click.option(
    "--image",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The signer's signature image (PNG, transparent).",
)
@click.option("--field", help="Sign into this empty signature field of each document.")
@click.option("--anchor", help="Sign above this printed text (default: the signer's name).")
@click.option("--page", type=click.IntRange(1), help="Page of --box (default 1).")
@click.option("--box", help="X1,Y1,X2,Y2 of the signature area, in PDF points.")
def personal(image, field, anchor, page, box, **options):
    """The competent person's signature on each document."""
    from signing.sign.position import Anchor, Field

    chosen = [w for w in (field, anchor, box) if w]
    if len(chosen) > 1:
        raise click.UsageError("choose one of --field, --anchor or --box")
    where = Field(field) if field else Anchor(anchor) if anchor else _box(page, box)
    _run_batch("personal", options, image=_read_image(image), where=where)


@sign.command()
@batch_options
@click.option(
    "--seal",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The agency's seal image (PNG, transparent).",
)
@click.option(
    "--seal-diameter",
    type=click.FloatRange(10, 60),
    default=36.0,
    show_default=True,
    help="The seal's real diameter in mm.",
)
@click.option(
    "--allow-missing-personal",
    is_flag=True,
    help="Sign even without a personal signature (marked in the signature).",
)
def organisation(seal, seal_diameter, allow_missing_personal, **options):
    """The agency's signature, over the personal one, on each document."""
    _run_batch(
        "organisation",
        options,
        image=_read_image(seal),
        seal_diameter_mm=seal_diameter,
        allow_missing_personal=allow_missing_personal,
    )


@sign.command()
@batch_options
@click.option(
    "--code", required=True, help="Number/notation of the main document, e.g. 1234/UBND-KT."
)
def attachment(code, **options):
    """The agency's signature on attachments and appendixes, with their text stamp."""
    _run_batch("attachment", options, code=code)


@sign.command()
@batch_options
@click.option(
    "--copy-form",
    type=click.Choice(["SAO Y", "SAO LỤC", "TRÍCH SAO"]),
    default="SAO Y",
    show_default=True,
)
@click.option(
    "--agency-name", default="", help="The copying agency (default: from the certificate)."
)
def copy(copy_form, agency_name, **options):
    """The copying agency's signature on electronic copies."""
    _run_batch("copy", options, copy_form=copy_form, agency_name=agency_name)
