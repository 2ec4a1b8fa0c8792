"""`backcare learn [TOPIC | next] [--search WORDS] [--json]`."""

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from backcare.cli.state import fail_usage, print_json, state

if TYPE_CHECKING:
    from backcare.services.education import OpenedTopic


def learn(
    ctx: typer.Context,
    topic: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[TOPIC]",
            help="A topic id, the start of one, or its title (close spellings work); "
            "'next' opens the next unread topic. Leave out to list all topics.",
            show_default=False,
        ),
    ] = None,
    search: Annotated[
        Optional[str],
        typer.Option(
            "--search",
            "-s",
            metavar="WORDS",
            help="Find topics about these words, best match first.",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """List topics, open one (and mark it read), open the next unread one, or search them."""
    words = " ".join(topic or ()).strip()
    if search is not None:
        query = " ".join(f"{search} {words}".split())  # `--search ball release` means "ball release"
        if not query:
            fail_usage("--search needs some words, for example: backcare learn --search sleep")
        _search(ctx, query, json_output)
    elif not words:
        _list(ctx, json_output)
    elif words.lower() == "next":
        _next(ctx, json_output)
    else:
        _open(ctx, words, json_output)


def _list(ctx: typer.Context, json_output: bool) -> None:
    from backcare.services import education

    data = education.listing(state(ctx).store())
    if json_output:
        print_json([t.as_dict() for t in data.topics])
        return
    from backcare.render.education import show_list

    show_list(data)


def _open(ctx: typer.Context, query: str, json_output: bool) -> None:
    from backcare.clock import today
    from backcare.services import education

    _show(education.open_topic(state(ctx).store(), query, today()), json_output)


def _next(ctx: typer.Context, json_output: bool) -> None:
    from backcare.clock import today
    from backcare.services import education

    opened = education.open_next(state(ctx).store(), today())
    if opened is None:
        if json_output:
            print_json(None)
            return
        from backcare.render.education import show_all_read

        show_all_read(len(education.topics()))
        return
    _show(opened, json_output)


def _show(opened: "OpenedTopic", json_output: bool) -> None:
    if json_output:
        print_json(opened.as_dict())
        return
    from backcare.render.education import show_topic

    show_topic(opened)


def _search(ctx: typer.Context, query: str, json_output: bool) -> None:
    from backcare.services import education

    try:
        hits = education.search(state(ctx).store(), query)
    except education.NoMatch:
        if json_output:
            print_json([])
        raise
    if json_output:
        print_json([hit.as_dict() for hit in hits])
        return
    from backcare.render.education import show_search

    show_search(query, hits)
