from tests.alerts_support.slack import slack_receiver  # noqa: F401 - the fixtures, registered
from tests.alerts_support.smtp import smtp_server  # noqa: F401
