"""Sending one webhook request safely: the receiver's address is checked, then pinned.

Server-side request forgery: a webhook URL is typed by an admin, and DealLens's workers then
POST to it from inside the network. So a URL whose host resolves to a loopback, private,
link-local, shared, reserved, multicast or unspecified address (IPv4 or IPv6, including IPv4
carried inside IPv6: mapped ``::ffff:a.b.c.d``, 6to4 and Teredo) is refused, unless
``settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE`` is on. *Every* address the name resolves to is
checked, so one public record beside a private one does not pass.

DNS rebinding: checking a name and then letting the HTTP client resolve it again would let an
attacker answer the check with a public address and the connection with 127.0.0.1. So the
request is sent with urllib3 straight to the address that was checked (a connection pool on
that IP), with the URL's own ``Host`` header and, for https, the URL's host name as the TLS
SNI and as the name the certificate must match (``server_hostname``/``assert_hostname``).
No second lookup happens. urllib3 used this way reads no proxy from the environment and
follows no redirect (``redirect=False``; a 3xx is an answer like any other, and a failure).
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError

EXCERPT_CHARS = 300
# How much of an answer's body is read at most: the excerpt needs little.
READ_BYTES = 4096
PRIVATE_MESSAGE = (
    "This URL's host resolves to a private, loopback or otherwise internal address "
    "({address}); webhooks only go to public addresses."
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The URL cannot be sent to: a bad URL, a name that does not resolve, a private address."""


def address_is_internal(address: IPAddress) -> bool:
    """Whether an address is anything but a public unicast one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]  # (server, client): the client is where it goes
        if embedded is not None:
            return address_is_internal(embedded)
        if address.is_site_local:
            return True
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``address``), and what to say (host, path)."""

    scheme: str
    host: str  # the URL's host name (SNI, certificate name)
    host_header: str  # host[:port] as the URL spells it
    port: int
    path: str  # path and query
    address: str  # the checked IP address to connect to


def _split(url: str):
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AddressRefused("Enter a valid URL.") from exc
    if parts.scheme not in ("http", "https"):
        raise AddressRefused("Only http:// and https:// URLs can receive webhooks.")
    if not parts.hostname:
        raise AddressRefused("Enter a URL with a host name.")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("Put no user name or password in the URL; verify the signature.")
    return parts, port or (443 if parts.scheme == "https" else 80)


def _addresses(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:
        raise AddressRefused(f"The host {host} could not be resolved.") from exc
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]  # an IPv6 zone (fe80::1%eth0) is no address
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise AddressRefused(f"The host {host} could not be resolved.")
    return addresses


def target_resolve(url: str) -> Target:
    """Check a URL and every address its host resolves to; the target to connect to.

    Raises ``AddressRefused`` with a message for the person who typed the URL."""
    parts, port = _split(url)
    host = parts.hostname or ""
    addresses = _addresses(host, port)
    if not settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE:
        for text in addresses:
            try:
                address = ipaddress.ip_address(text)
            except ValueError as exc:
                raise AddressRefused(f"The host {host} resolved to {text}.") from exc
            if address_is_internal(address):
                raise AddressRefused(PRIVATE_MESSAGE.format(address=address))
    netloc = parts.netloc.rsplit("@", 1)[-1]
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, netloc, port, path, addresses[0])


def url_check(url: str) -> None:
    """A Django ValidationError on ``url`` when webhooks may not go to this URL."""
    try:
        target_resolve(url)
    except AddressRefused as exc:
        raise ValidationError({"url": [str(exc)]}) from exc


@dataclass
class Answer:
    """What the receiver answered, or why there was no answer."""

    status: int | None
    excerpt: str
    duration_ms: int
    error: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _pool(target: Target, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            timeout=timeout,
            retries=False,
            maxsize=1,
        )
    return urllib3.HTTPConnectionPool(
        target.address, target.port, timeout=timeout, retries=False, maxsize=1
    )


def post_signed(*, url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url`` at its checked address; never raises for a network failure."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = target_resolve(url)
    except AddressRefused as exc:
        return Answer(None, "", took(), f"Not sent: {exc}"[:500])
    seconds = float(settings.DEALLENS_WEBHOOK_TIMEOUT_SECONDS)
    # ``total`` caps connect + reading the headers; each read after that has ``seconds`` too.
    timeout = urllib3.Timeout(total=seconds, connect=seconds, read=seconds)
    pool = _pool(target, timeout)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header, "User-Agent": "DealLens-Webhooks/1"},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            raw = response.read(READ_BYTES, decode_content=True) or b""
        except urllib3.exceptions.HTTPError:
            raw = b""
        finally:
            response.release_conn()
        excerpt = raw.decode("utf-8", errors="replace")[:EXCERPT_CHARS]
        error = ""
        if 300 <= response.status < 400:
            location = response.headers.get("Location", "")
            error = f"Redirect to {location} not followed"[:500] if location else "Redirect"
        elif not 200 <= response.status < 300:
            error = f"HTTP {response.status}"
        return Answer(response.status, excerpt, took(), error)
    except urllib3.exceptions.TimeoutError:
        return Answer(None, "", took(), f"Timed out after {seconds:g} s")
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return Answer(None, "", took(), f"Connection failed: {reason}"[:500])
    finally:
        pool.close()
