"""`cms webhook add|list|remove|deliveries|replay`: webhooks, as an admin manages them."""

from __future__ import annotations

import typer

from cms.commands.output import run_service, table, when
from cms.enums import Role, WebhookEventType
from cms.principal import Viewer
from cms.services import webhooks
from cms.services.pagination import PageRequest

OPERATOR = Viewer(name="cms webhook", role=Role.ADMIN)
EVENT_NAMES = ", ".join(e.value for e in WebhookEventType)

app = typer.Typer(
    help="Webhooks: signed POSTs to your URLs when posts and comments change.",
    no_args_is_help=True,
)


def _event(name: str) -> WebhookEventType:
    wanted = name.strip().lower().replace("_", ".")
    for event in WebhookEventType:
        if wanted == event.value:
            return event
    typer.echo(f"Error: unknown event {name[:40]!r}; choose from {EVENT_NAMES}.", err=True)
    raise typer.Exit(2)


@app.command()
def add(
    url: str = typer.Argument(..., help="Where to POST, e.g. https://example.com/hooks/cms."),
    events: list[str] = typer.Option(
        ..., "--event", "-e", help=f"An event to send (repeat for more): {EVENT_NAMES}."
    ),
    description: str | None = typer.Option(None, help="What the endpoint is for."),
) -> None:
    """Register a webhook and print its signing secret once."""
    new = webhooks.NewWebhook(url, [_event(e) for e in events], description)
    endpoint, secret = run_service(lambda: webhooks.create_webhook(OPERATOR, new))
    typer.echo(secret)
    typer.echo(
        f"Created webhook {endpoint.id} for {', '.join(endpoint.events)}. Copy the secret above "
        "now: it is shown only this once. Each delivery carries X-CMS-Signature, "
        "HMAC-SHA256 of `X-CMS-Timestamp + '.' + body` with it.",
        err=True,
    )


@app.command(name="list")
def list_() -> None:
    """List webhooks: id, URL, events, created."""
    rows = run_service(lambda: webhooks.list_webhooks(OPERATOR))
    if not rows:
        typer.echo("No webhooks yet: `cms webhook add URL --event post.published` adds one.")
        return
    table(
        ("ID", "URL", "EVENTS", "CREATED", "DESCRIPTION"),
        [(str(e.id), e.url, ",".join(e.events), when(e.created_at), e.description) for e in rows],
    )


@app.command()
def remove(webhook_id: int = typer.Argument(..., help="The id `cms webhook list` shows.")) -> None:
    """Delete a webhook and its delivery log; nothing more is sent to it."""
    run_service(lambda: webhooks.delete_webhook(OPERATOR, webhook_id))
    typer.echo(f"Removed webhook {webhook_id}.")


@app.command()
def deliveries(
    webhook_id: int = typer.Argument(..., help="The id `cms webhook list` shows."),
    limit: int = typer.Option(20, min=1, max=100, help="How many, newest first."),
) -> None:
    """A webhook's deliveries, newest first: status, attempts, last answer or error."""
    page = run_service(lambda: webhooks.deliveries(OPERATOR, webhook_id, PageRequest(first=limit)))
    if not page.items:
        typer.echo(f"Nothing was sent to webhook {webhook_id} yet.")
        return
    table(
        ("ID", "EVENT", "STATUS", "ATTEMPTS", "CODE", "CREATED", "ERROR"),
        [
            (
                str(d.id),
                d.event.type,
                d.status.value,
                str(d.attempts),
                str(d.response_code or "-"),
                when(d.created_at),
                d.last_error or "-",
            )
            for d in page.items
        ],
    )


@app.command()
def replay(
    delivery_id: int = typer.Argument(..., help="The id `cms webhook deliveries` shows."),
) -> None:
    """Send a delivery's event again (as a new delivery, by the running server)."""
    delivery = run_service(lambda: webhooks.replay_delivery(OPERATOR, delivery_id))
    typer.echo(
        f"Queued delivery {delivery.id}: {delivery.event.type} again to webhook "
        f"{delivery.endpoint_id}; a running `cms serve` sends it."
    )
