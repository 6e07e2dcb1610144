import Metrics

/// What a report needs besides the snapshots.
public struct ReportSettings: Sendable {
    /// The site's title.
    public var title: String
    /// The zone's days (for "so far, at HH:MM").
    public var calendar: DayCalendar
    /// The cost currency's rate into the revenue currency, if known.
    public var costRate: ExchangeRate?
    /// Rows of the top-commands table.
    public var topCommands = 10
    /// `[[goals]]`, for the dashboard.
    public var goals: [Configuration.Goal] = []

    /// Settings from a configuration.
    public init(configuration: Configuration) {
        title = configuration.site.title
        calendar = configuration.dayCalendar
        costRate = configuration.costCurrency == configuration.revenueCurrency ? .one
            : configuration.exchangeRates[configuration.costCurrency]
        goals = configuration.goals
    }

    /// Settings from their parts.
    public init(title: String, calendar: DayCalendar, costRate: ExchangeRate?) {
        self.title = title
        self.calendar = calendar
        self.costRate = costRate
    }
}
