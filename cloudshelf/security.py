"""The Content-Security-Policy header. The site uses no inline script or style and loads
nothing from other origins, so the policy is short and strict."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


def _origin(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def payment_page_policy():
    """The payment page's policy: the site's, opened only as far as Stripe.js needs (its
    script, its calls to the API, its card and 3-D Secure frames). Locally, the one origin
    of localstripe, which serves both its Stripe.js stand-in and the API."""
    if settings.LOCALSTRIPE:
        script = connect = _origin(settings.STRIPE_JS_URL)
        frames = "'none'"
    else:
        script = "https://js.stripe.com"
        connect = "https://api.stripe.com"
        frames = "https://js.stripe.com https://hooks.stripe.com"
    policy = settings.CONTENT_SECURITY_POLICY
    policy = policy.replace("script-src 'self'", f"script-src 'self' {script}")
    policy = policy.replace("connect-src 'self'", f"connect-src 'self' {connect}")
    return policy + f"; frame-src {frames}"
