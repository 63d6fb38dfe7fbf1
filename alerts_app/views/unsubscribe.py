"""The e-mails' one-click unsubscribe link: GET shows what will stop, POST stops it.

No sign-in and no workspace: the signed token in the path is the authorisation, and it names
one member's subscriptions only. A token this server did not sign is a plain 404.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..services import wording
from ..services.unsubscribe import subscriptions_unsubscribe, unsubscribe_subscriptions


# CSRF protection is off for this view alone, on purpose: RFC 8058 one-click unsubscribe is a
# POST that mail clients send with no cookie and no form token, and the signed token in the URL
# is the authorisation (a forged POST cannot name a subscription without it).
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    http_method_names = ["get", "post", "head"]
    template_name = "alerts_app/unsubscribe.html"

    def _render(self, request, subscriptions, *, done: bool) -> HttpResponse:
        context = {
            "subscriptions": subscriptions,
            "reasons": [wording.subscription_describe(s) for s in subscriptions],
            "workspace": subscriptions[0].workspace,
            "done": done,
            "settings_url": "/settings/alerts/",
        }
        return render(request, self.template_name, context)

    def _not_found(self, request) -> HttpResponse:
        return render(request, "alerts_app/unsubscribe_invalid.html", status=404)

    def get(self, request, token: str) -> HttpResponse:
        subscriptions = unsubscribe_subscriptions(token=token)
        if subscriptions is None:
            return self._not_found(request)
        done = not any(s.enabled for s in subscriptions)
        return self._render(request, subscriptions, done=done)

    def post(self, request, token: str) -> HttpResponse:
        subscriptions = unsubscribe_subscriptions(token=token)
        if subscriptions is None:
            return self._not_found(request)
        subscriptions_unsubscribe(subscriptions=subscriptions)
        return self._render(request, subscriptions, done=True)
