import Testing
@testable import Metrics

@Suite struct ConfigurationTests {
    func error(_ toml: String) -> String? {
        do {
            _ = try ConfigurationLoader.parse(toml, origin: "sentinel.toml")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func theSpecExampleLoads() throws {
        let text = """
            timezone = "Europe/Paris"

            [redis]
            url = "redis://127.0.0.1:6379"
            password_env = "SENTINEL_REDIS_PASSWORD"
            key_prefix = "sentinel:"

            [revenue]
            currency = "EUR"

            [costs]
            currency = "USD"
            infrastructure = [
              { name = "Railway", monthly = "5.00" },
              { name = "Redis", monthly = "3.00" },
            ]

            [exchange_rates]
            USD = "0.92"

            [alerts]
            error_rate = 0.05
            conversion_rate = 0.05
            api_cost_per_day = "5.00"
            no_activity_hours = 2
            cooldown_hours = 6
            webhooks = []

            [site]
            title = "CryptoSentinel AI"
            base_url = ""

            [telegram]
            chat_id = ""
            token_env = "SENTINEL_TELEGRAM_TOKEN"
            api_url = "https://api.telegram.org"

            [email]
            to = []
            from = "sentinel@localhost"
            sendmail = "/usr/sbin/sendmail -t"
            """
        let config = try ConfigurationLoader.parse(text, origin: "sentinel.toml")
        #expect(config.timezone == "Europe/Paris")
        #expect(config.revenueCurrency == "EUR" && config.costCurrency == "USD")
        #expect(config.infrastructure.map(\.monthly.description) == ["5.00", "3.00"])
        #expect(config.exchangeRates["USD"]?.description == "0.92")
        #expect(config.alerts.errorRate == Fraction("0.05"))
        #expect(config.site.title == "CryptoSentinel AI")
        #expect(config.redis.keyPrefix == "sentinel:")
    }

    @Test func theVersion2AlertsExampleLoads() throws {
        let text = """
            [alerts]
            quiet_hours = "01:00-07:00"
            anomalies = false
            webhooks = [
              "https://hooks.example.com/plain",
              { url = "https://hooks.slack.com/services/T/B/X", format = "slack" },
              { url = "https://discord.com/api/webhooks/1/x", format = "discord" },
              { url = "https://ops.example.com/in", format = "json", secret_env = "SENTINEL_WEBHOOK_SECRET" },
            ]
            """
        let alerts = try ConfigurationLoader.parse(text, origin: "sentinel.toml").alerts
        #expect(alerts.quietHours == QuietHours("01:00-07:00") && !alerts.anomalies)
        #expect(alerts.webhooks == [.init(url: "https://hooks.example.com/plain"),
                                    .init(url: "https://hooks.slack.com/services/T/B/X", format: .slack),
                                    .init(url: "https://discord.com/api/webhooks/1/x", format: .discord),
                                    .init(url: "https://ops.example.com/in", format: .json, secretEnv: "SENTINEL_WEBHOOK_SECRET")])
        let defaults = Configuration().alerts
        #expect(defaults.quietHours == nil && defaults.anomalies)
        #expect(try ConfigurationLoader.parse("[email]\ncharts = false", origin: "sentinel.toml").email.charts == false)
        #expect(Configuration().email.charts)
    }

    @Test func goalsLoadWithTheirFiguresTypes() throws {
        let text = """
            [[goals]]
            metric = "mrr"
            target = "870.00"
            by = "2026-03-31"

            [[goals]]
            metric = "premium_users"
            target = 100
            by = 2026-06-30

            [[goals]]
            metric = "conversion_rate"
            target = 0.1
            by = "2026-12-31"
            """
        let goals = try ConfigurationLoader.parse(text, origin: "sentinel.toml").goals
        #expect(goals == [.init(metric: .mrr, target: .money(Money("870")!), by: LocalDay("2026-03-31")!),
                          .init(metric: .premiumUsers, target: .count(100), by: LocalDay("2026-06-30")!),
                          .init(metric: .conversionRate, target: .rate(Fraction("0.1")!), by: LocalDay("2026-12-31")!)])
    }

    @Test func defaults() throws {
        let config = try ConfigurationLoader.parse("", origin: "sentinel.toml")
        #expect(config.timezone == "UTC" && config.revenueCurrency == "USD" && config.costCurrency == "USD")
        #expect(config.infrastructure.isEmpty && config.exchangeRates.isEmpty)
        #expect(config.alerts.errorRate == Fraction("0.05") && config.alerts.conversionRate == Fraction("0.05"))
        #expect(config.alerts.apiCostPerDay.description == "5.00")
        #expect(config.alerts.noActivityHours == 2 && config.alerts.cooldownHours == 6)
        #expect(config.site.title == "Sentinel" && config.redis.url == nil)
        #expect(config.email.sendmail == "/usr/sbin/sendmail -t")
    }

    @Test func numbersMayBeWrittenEitherWay() throws {
        let config = try ConfigurationLoader.parse("""
            [alerts]
            error_rate = 1
            conversion_rate = 0
            api_cost_per_day = 7.5
            no_activity_hours = 1.5
            [revenue]
            currency = "EUR"
            [exchange_rates]
            USD = 0.92
            """, origin: "sentinel.toml")
        #expect(config.alerts.errorRate == Fraction("1") && config.alerts.apiCostPerDay.description == "7.50")
        #expect(config.exchangeRates["USD"]?.description == "0.92" && config.alerts.noActivityHours == 1.5)
    }

    @Test(arguments: [
        ("[alerts]\nerror_rate = 5", "sentinel.toml: alerts.error_rate: expected a fraction between 0 and 1, got 5"),
        ("[alerts]\nerror_rate = -0.1", "sentinel.toml: alerts.error_rate: expected a fraction between 0 and 1, got -0.1"),
        ("[alerts]\nerror_rate = \"0.05\"", "sentinel.toml: alerts.error_rate: expected a fraction between 0 and 1, got \"0.05\""),
        ("[alerts]\nconversion_rate = 1.5", "sentinel.toml: alerts.conversion_rate: expected a fraction between 0 and 1, got 1.5"),
        ("[alerts]\neror_rate = 0.1", "sentinel.toml: alerts.eror_rate: unknown key"),
        ("colour = 1", "sentinel.toml: colour: unknown key"),
        ("timezone = \"Europe/Pariss\"", "sentinel.toml: timezone: unknown IANA time zone \"Europe/Pariss\" (such as \"Europe/Paris\" or \"UTC\")"),
        ("timezone = 1", "sentinel.toml: timezone: expected a string, got 1"),
        ("[revenue]\ncurrency = \"euro\"", "sentinel.toml: revenue.currency: expected a currency code of three capital letters such as \"EUR\", got \"euro\""),
        ("[costs]\ncurrency = \"US\"", "sentinel.toml: costs.currency: expected a currency code of three capital letters such as \"EUR\", got \"US\""),
        ("[costs]\ninfrastructure = [{ name = \"x\", monthly = \"-5\" }]", "sentinel.toml: costs.infrastructure[0].monthly: expected an amount of 0 or more, got -5"),
        ("[costs]\ninfrastructure = [{ name = \"x\", monthly = -5 }]", "sentinel.toml: costs.infrastructure[0].monthly: expected an amount of 0 or more, got -5"),
        ("[costs]\ninfrastructure = [{ name = \"x\" }]", "sentinel.toml: costs.infrastructure[0].monthly: missing"),
        ("[costs]\ninfrastructure = [{ name = \"x\", monthly = \"5\", cost = 1 }]", "sentinel.toml: costs.infrastructure[0].cost: unknown key"),
        ("[alerts]\napi_cost_per_day = \"-1\"", "sentinel.toml: alerts.api_cost_per_day: expected an amount of 0 or more, got -1"),
        ("[alerts]\napi_cost_per_day = \"five\"", "sentinel.toml: alerts.api_cost_per_day: expected an amount such as \"5.00\" (up to 12 digits, a dot, up to 6 digits), got \"five\""),
        ("[alerts]\nno_activity_hours = 0", "sentinel.toml: alerts.no_activity_hours: expected a number of hours above 0 up to 8784, got 0"),
        ("[alerts]\ncooldown_hours = -1", "sentinel.toml: alerts.cooldown_hours: expected a number of hours from 0 up to 8784, got -1"),
        ("[alerts]\nwebhooks = [\"ftp://x\"]", "sentinel.toml: alerts.webhooks[0]: expected an http(s) URL, got \"ftp://x\""),
        ("[alerts]\nquiet_hours = \"25:00-07:00\"", "sentinel.toml: alerts.quiet_hours: expected a range of two different local times such as \"01:00-07:00\", got \"25:00-07:00\""),
        ("[alerts]\nquiet_hours = \"07:00-07:00\"", "sentinel.toml: alerts.quiet_hours: expected a range of two different local times such as \"01:00-07:00\", got \"07:00-07:00\""),
        ("[alerts]\nanomalies = \"yes\"", "sentinel.toml: alerts.anomalies: expected true or false, got \"yes\""),
        ("[alerts]\nwebhooks = [{ url = \"https://x.example/h\", format = \"teams\" }]", "sentinel.toml: alerts.webhooks[0].format: expected \"json\", \"slack\" or \"discord\", got \"teams\""),
        ("[alerts]\nwebhooks = [{ format = \"slack\" }]", "sentinel.toml: alerts.webhooks[0].url: missing"),
        ("[alerts]\nwebhooks = [{ url = \"ftp://x\" }]", "sentinel.toml: alerts.webhooks[0].url: expected an http(s) URL, got \"ftp://x\""),
        ("[alerts]\nwebhooks = [{ url = \"https://x.example/h\", secret = \"s\" }]", "sentinel.toml: alerts.webhooks[0].secret: unknown key"),
        ("[alerts]\nwebhooks = [{ url = \"https://x.example/h\", secret_env = \"my secret\" }]", "sentinel.toml: alerts.webhooks[0].secret_env: expected the name of an environment variable, got \"my secret\""),
        ("[alerts]\nwebhooks = [1]", "sentinel.toml: alerts.webhooks[0]: expected a URL or a table { url = ..., format = ... }, got 1"),
        ("[[goals]]\nmetric = \"revenue\"\ntarget = 1\nby = \"2026-01-01\"", "sentinel.toml: goals[0].metric: expected one of mrr, premium_users, total_users, conversion_rate, dau, got \"revenue\""),
        ("[[goals]]\nmetric = \"mrr\"\ntarget = 870\nby = \"2026-01-01\"", "sentinel.toml: goals[0].target: expected an amount as a string such as \"870.00\", got 870"),
        ("[[goals]]\nmetric = \"dau\"\ntarget = \"200\"\nby = \"2026-01-01\"", "sentinel.toml: goals[0].target: expected a whole number above 0, got \"200\""),
        ("[[goals]]\nmetric = \"dau\"\ntarget = 200\nby = \"soon\"", "sentinel.toml: goals[0].by: expected a date such as \"2026-03-31\", got \"soon\""),
        ("[[goals]]\nmetric = \"dau\"\ntarget = 200", "sentinel.toml: goals[0].by: missing"),
        ("[alerts]\nwebhooks = \"https://x\"", "sentinel.toml: alerts.webhooks: expected an array of URLs or tables, got a text of 9 characters (not shown: it may hold a secret)"),
        ("[redis]\nurl = \"redis://:secret@localhost:6379\"", "sentinel.toml: redis.url: a password does not belong in the file; put it in the environment variable named by redis.password_env"),
        ("[redis]\nurl = \"http://localhost\"", "sentinel.toml: redis.url: expected redis://[:password@]host[:port][/db] or unix:///path"),
        ("[redis]\nurl = \"rediss://localhost\"", "sentinel.toml: redis.url: TLS (rediss://) is not supported; use redis:// on a trusted network or a unix socket"),
        ("[redis]\npassword_env = \"NOT A NAME\"", "sentinel.toml: redis.password_env: expected the name of an environment variable, got \"NOT A NAME\""),
        ("[exchange_rates]\nUSD = \"0\"", "sentinel.toml: exchange_rates.USD: expected a positive decimal below 1000000000 such as \"0.92\" (at most 18 digits), got 0"),
        ("[exchange_rates]\nusd = \"0.9\"", "sentinel.toml: exchange_rates.usd: expected a currency code of three capital letters as the key"),
        ("[exchange_rates]\nUSD = \"1.5\"", "sentinel.toml: exchange_rates.USD: the revenue currency converts at 1, got 1.5"),
        ("[site]\nbase_url = \"example.com\"", "sentinel.toml: site.base_url: expected an http(s) URL, got \"example.com\""),
        ("[site]\ntitle = []", "sentinel.toml: site.title: expected a string, got an array"),
        ("[telegram]\napi_url = \"\"", "sentinel.toml: telegram.api_url: expected an http(s) URL, got \"\""),
        ("[email]\nto = [\"not an address\"]", "sentinel.toml: email.to[0]: expected an email address, got \"not an address\""),
        ("[email]\nfrom = \"x\"", "sentinel.toml: email.from: expected an email address, got \"x\""),
        ("[email]\nsendmail = \" \"", "sentinel.toml: email.sendmail: expected a command, got \"\""),
        ("site = 1", "sentinel.toml: site: expected a table, got 1"),
    ])
    func namesTheFileAndTheKey(_ toml: String, _ expected: String) {
        #expect(error(toml) == expected)
    }

    @Test func syntaxErrorsGiveALine() {
        let message = error("timezone = \n")
        #expect(message?.hasPrefix("sentinel.toml: line 1") == true)
    }

    @Test func redisURLs() throws {
        let tcp = try RedisEndpoint(url: "redis://:p%40ss@db.local:6380/2")
        #expect(tcp.address == .tcp(host: "db.local", port: 6380) && tcp.password == "p@ss" && tcp.database == 2)
        #expect(tcp.description == "redis://db.local:6380/2" && !tcp.description.contains("ss"))
        let user = try RedisEndpoint(url: "redis://app:pw@127.0.0.1")
        #expect(user.username == "app" && user.password == "pw" && user.location == "127.0.0.1:6379")
        let unix = try RedisEndpoint(url: "unix:///run/redis.sock")
        #expect(unix.address == .unix(path: "/run/redis.sock"))
        let v6 = try RedisEndpoint(url: "redis://[::1]:7000")
        #expect(v6.location == "[::1]:7000")
        #expect(throws: RedisEndpoint.URLError.self) { try RedisEndpoint(url: "redis://host:99999") }
        #expect(throws: RedisEndpoint.URLError.self) { try RedisEndpoint(url: "redis://host/x") }
        #expect(throws: RedisEndpoint.URLError.self) { try RedisEndpoint(url: "unix://relative") }
    }
}
