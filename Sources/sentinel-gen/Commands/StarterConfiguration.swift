/// The `sentinel.toml` that `sentinel-gen init` writes: every key, set to
/// its default, with what it does, so that a new user edits values
/// instead of looking up names. Parsed, it is the default configuration.
enum StarterConfiguration {
    /// The file's text.
    static let text = """
        # Sentinel's configuration. Every key below is set to its default:
        # change what differs for your bot. Flags and environment variables
        # win over this file. Secrets never go here: the file names the
        # environment variables that hold them.

        timezone = "UTC"                          # IANA zone of every day boundary, e.g. "Europe/Paris"

        [redis]
        url = "redis://127.0.0.1:6379"            # redis://host[:port][/db] or unix:///path; no password here
        password_env = "SENTINEL_REDIS_PASSWORD"  # the variable that holds the password
        key_prefix = "sentinel:"                  # keys are PREFIXevents, PREFIXusers, PREFIXsubscriptions

        [revenue]
        currency = "USD"                          # the currency of MRR and of the reports

        [costs]
        currency = "USD"                          # the currency of api_call costs
        infrastructure = []                       # fixed monthly costs, e.g. [{ name = "Railway", monthly = "5.00" }]

        [exchange_rates]                          # one unit of the key's currency in the revenue currency
        # USD = "0.92"                            # needed for net MRR and for payments in other currencies

        [alerts]
        error_rate = 0.05                         # errors / commands over 24 h above this fires
        conversion_rate = 0.05                    # premium / total below this fires
        api_cost_per_day = "5.00"                 # api costs over 24 h above this fires
        no_activity_hours = 2                     # no registration or command for this long fires
        cooldown_hours = 6                        # a firing alert is notified again after this
        # quiet_hours = "01:00-07:00"             # local hours without no_activity (may cross midnight)
        anomalies = true                          # commands, registrations, conversions, errors against the usual level
        webhooks = []                             # URLs, or { url = "...", format = "slack" | "discord" | "json", secret_env = "VAR" }

        [site]
        title = "Sentinel"                        # the site's and the reports' title
        base_url = ""                             # e.g. "https://kpi.example.com/": absolute links in the feed and mails

        [telegram]
        chat_id = ""                              # empty turns Telegram off
        token_env = "SENTINEL_TELEGRAM_TOKEN"     # the variable that holds the bot token
        api_url = "https://api.telegram.org"

        [email]
        to = []                                   # empty turns email off, e.g. ["founders@example.com"]
        from = "sentinel@localhost"
        sendmail = "/usr/sbin/sendmail -t"        # reads the message on stdin
        charts = true                             # the report's charts as PNG images (rsvg-convert, Debian's librsvg2-bin)

        """
}
