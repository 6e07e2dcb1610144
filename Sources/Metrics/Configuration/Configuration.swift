/// Everything `sentinel.toml` can say (docs/configuration.md), with the
/// defaults that apply when a key is absent.
public struct Configuration: Sendable {
    /// `[redis]`.
    public struct Redis: Sendable {
        /// `url`: never holds a password when it comes from the file.
        public var url: String?
        /// `password_env`: the variable that holds the password.
        public var passwordEnv = "SENTINEL_REDIS_PASSWORD"
        /// `key_prefix`.
        public var keyPrefix = "sentinel:"
    }

    /// One `[costs] infrastructure` item.
    public struct InfrastructureItem: Sendable, Equatable {
        /// What it is.
        public var name: String
        /// Its monthly cost, in the cost currency.
        public var monthly: Money
    }

    /// `[alerts]`.
    public struct Alerts: Sendable {
        /// `error_rate`: errors / commands over 24 h above this fires.
        public var errorRate = Fraction(numerator: 5, denominator: 100)
        /// `conversion_rate`: premium / total below this fires.
        public var conversionRate = Fraction(numerator: 5, denominator: 100)
        /// `api_cost_per_day`: api costs over 24 h above this fires.
        public var apiCostPerDay = Money(micros: 5_000_000)
        /// `no_activity_hours`.
        public var noActivityHours: Double = 2
        /// `cooldown_hours`.
        public var cooldownHours: Double = 6
        /// `quiet_hours`: when `no_activity` is not evaluated (none by default).
        public var quietHours: QuietHours?
        /// `anomalies`: false makes the four anomaly alerts `not_evaluated`.
        public var anomalies = true
        /// `webhooks`: endpoints that get a POST per notification.
        public var webhooks: [Webhook] = []
    }

    /// One `[alerts] webhooks` item: a URL, or a table with a format and a
    /// signing secret's variable.
    public struct Webhook: Sendable, Equatable {
        /// The body's shape.
        public enum Format: String, Sendable, CaseIterable {
            /// Sentinel's own object (docs/configuration.md).
            case json
            /// `{"text": ...}`, as Slack's incoming webhooks take.
            case slack
            /// `{"content": ...}`, as Discord's webhooks take.
            case discord
        }

        /// `url`.
        public var url: String
        /// `format`.
        public var format: Format
        /// `secret_env`: the variable holding the key of `X-Sentinel-Signature`.
        public var secretEnv: String?

        /// A webhook.
        public init(url: String, format: Format = .json, secretEnv: String? = nil) {
            self.url = url
            self.format = format
            self.secretEnv = secretEnv
        }
    }

    /// `[site]`.
    public struct Site: Sendable {
        /// `title`.
        public var title = "Sentinel"
        /// `base_url`: for absolute links only; empty means none.
        public var baseURL = ""
    }

    /// `[telegram]`.
    public struct Telegram: Sendable {
        /// `chat_id`: empty turns Telegram off.
        public var chatID = ""
        /// `token_env`: the variable that holds the bot token.
        public var tokenEnv = "SENTINEL_TELEGRAM_TOKEN"
        /// `api_url`.
        public var apiURL = "https://api.telegram.org"
    }

    /// `[email]`.
    public struct Email: Sendable {
        /// `to`: empty turns email off.
        public var to: [String] = []
        /// `from`.
        public var from = "sentinel@localhost"
        /// `sendmail`: the command that takes the message on stdin.
        public var sendmail = "/usr/sbin/sendmail -t"
        /// `charts`: the report's charts as PNG parts of the daily mail
        /// (docs/site.md); false sends the mail without images.
        public var charts = true
    }

    /// One `[[goals]]` item: a figure, its target and the day to reach it by.
    public struct Goal: Sendable, Equatable {
        /// The figures a goal may track.
        public enum Metric: String, Sendable, CaseIterable {
            case mrr, premiumUsers = "premium_users", totalUsers = "total_users", conversionRate = "conversion_rate", dau
        }
        /// The target, typed as its figure is.
        public enum Target: Sendable, Equatable {
            case money(Money), count(Int), rate(Fraction)
        }
        /// `metric`.
        public var metric: Metric
        /// `target`.
        public var target: Target
        /// `by`: a local date.
        public var by: LocalDay

        /// A goal.
        public init(metric: Metric, target: Target, by: LocalDay) {
            self.metric = metric
            self.target = target
            self.by = by
        }
    }

    /// `[[goals]]`.
    public var goals: [Goal] = []
    /// `timezone`: the IANA zone that decides every day boundary.
    public var timezone = "UTC"
    /// `[redis]`.
    public var redis = Redis()
    /// `[revenue] currency`.
    public var revenueCurrency = "USD"
    /// `[costs] currency`.
    public var costCurrency = "USD"
    /// `[costs] infrastructure`.
    public var infrastructure: [InfrastructureItem] = []
    /// `[exchange_rates]`: one unit of the key's currency in the revenue currency.
    public var exchangeRates: [String: ExchangeRate] = [:]
    /// `[alerts]`.
    public var alerts = Alerts()
    /// `[site]`.
    public var site = Site()
    /// `[telegram]`.
    public var telegram = Telegram()
    /// `[email]`.
    public var email = Email()

    /// The defaults.
    public init() {}

    /// The validator for stream entries under this configuration.
    public var eventValidator: EventValidator {
        EventValidator(revenueCurrency: revenueCurrency, exchangeRates: exchangeRates)
    }

    /// The day calendar of `timezone` (validated when loaded).
    public var dayCalendar: DayCalendar { DayCalendar(timeZoneName: timezone)! }

    /// The snapshot computer for these currencies and costs.
    public var snapshotComputer: LedgerSnapshotComputer {
        LedgerSnapshotComputer(calendar: dayCalendar, revenueCurrency: revenueCurrency, costCurrency: costCurrency,
                         infrastructure: infrastructure.map(\.monthly))
    }
}

/// A configuration problem, naming where it is and which key.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The file, flag or variable the value came from.
    public let origin: String
    /// The dotted key, if the problem is one key's.
    public let key: String?
    /// What is wrong.
    public let message: String

    /// A problem with a key of an origin.
    public init(origin: String, key: String?, message: String) {
        self.origin = origin
        self.key = key
        self.message = message
    }

    /// `sentinel.toml: alerts.error_rate: expected a fraction between 0 and 1, got 5`.
    public var description: String {
        [origin, key, message].compactMap { $0 }.joined(separator: ": ")
    }
}
