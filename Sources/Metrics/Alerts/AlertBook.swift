/// The alerts as the last evaluation left them, kept in
/// `STATE/alerts.json` between runs: what `api/alerts.json` publishes and
/// what decides which notifications are due.
public struct AlertBook: Sendable, Equatable {
    /// One alert's stored state.
    public struct Entry: Sendable, Equatable {
        /// The latest reading.
        public var reading: AlertReading
        /// The run that saw it start firing (unix ms), while it fires.
        public var since: Int64?
        /// The last notification of this firing (unix ms), while it fires.
        public var lastNotified: Int64?
    }

    /// A notification the transition calls for.
    public struct Notification: Sendable, Equatable {
        /// `firing` (first or after the cooldown) or `resolved`.
        public enum Kind: String, Sendable { case firing, resolved }
        /// Which kind.
        public var kind: Kind
        /// The reading that caused it.
        public var reading: AlertReading
        /// When the alert started firing.
        public var since: Int64
        /// The run's `now`.
        public var at: Int64

        /// A notification.
        public init(kind: Kind, reading: AlertReading, since: Int64, at: Int64) {
            self.kind = kind
            self.reading = reading
            self.since = since
            self.at = at
        }
    }

    /// The evaluation's `now` (unix ms), nil before the first.
    public var asOf: Int64?
    /// One entry per alert (docs/metrics.md's four, then docs/site.md's four), in that order.
    public var entries: [Entry]

    /// The book before any evaluation: every alert `not_evaluated`.
    public static func initial(thresholds: Configuration.Alerts) -> AlertBook {
        AlertBook(asOf: nil, entries: AlertRules.thresholds(thresholds).map {
            Entry(reading: AlertReading(name: $0.name, state: .notEvaluated, value: .null, threshold: $0.threshold))
        })
    }

    /// The book after an evaluation at `now`, and the notifications it calls
    /// for: a start of firing, a repeat once `cooldownMs` has passed since
    /// the last notification, a resolution once.
    public func advanced(by readings: [AlertReading], at now: Int64, cooldownMs: Int64) -> (AlertBook, [Notification]) {
        var next = AlertBook(asOf: now, entries: [])
        var notifications: [Notification] = []
        for reading in readings {
            let previous = entries.first { $0.reading.name == reading.name }
            let wasFiring = previous?.reading.state == .firing && previous?.since != nil
            var entry = Entry(reading: reading)
            if reading.state == .firing {
                if wasFiring, let since = previous?.since {
                    entry.since = since
                    entry.lastNotified = previous?.lastNotified ?? since
                    if now - entry.lastNotified! >= cooldownMs {
                        entry.lastNotified = now
                        notifications.append(Notification(kind: .firing, reading: reading, since: since, at: now))
                    }
                } else {
                    entry.since = now
                    entry.lastNotified = now
                    notifications.append(Notification(kind: .firing, reading: reading, since: now, at: now))
                }
            } else if wasFiring, let since = previous?.since, !reading.silent {
                notifications.append(Notification(kind: .resolved, reading: reading, since: since, at: now))
            }
            next.entries.append(entry)
        }
        return (next, notifications)
    }

    /// The stored form (and, without `last_notified`, `api/alerts.json`).
    public func json(includingNotifications: Bool) -> JSONValue {
        .object([
            JSONMember("as_of", .instant(asOf)),
            JSONMember("alerts", .array(entries.map { entry in
                var members = [
                    JSONMember("name", .text(entry.reading.name.rawValue)),
                    JSONMember("state", .text(entry.reading.state.rawValue)),
                    JSONMember("value", entry.reading.value),
                    JSONMember("threshold", entry.reading.threshold),
                    JSONMember("since", .instant(entry.since)),
                ]
                if includingNotifications {
                    members.append(JSONMember("last_notified", .instant(entry.lastNotified)))
                }
                return .object(members)
            })),
        ])
    }

    /// Reads the stored form; nil when it is not one.
    public init?(json: JSONValue) {
        guard case .array(let items)? = json["alerts"] else { return nil }
        func instant(_ value: JSONValue?) -> Int64? {
            guard let text = value?.stringValue, case .instant(let ms)? = Timestamp.parse(text) else { return nil }
            return ms
        }
        let asOf = instant(json["as_of"])
        var entries: [Entry] = []
        for item in items {
            guard let name = item["name"]?.stringValue.flatMap(AlertName.init(rawValue:)),
                  let state = item["state"]?.stringValue.flatMap(AlertState.init(rawValue:)) else { return nil }
            let reading = AlertReading(name: name, state: state, value: item["value"] ?? .null, threshold: item["threshold"] ?? .null)
            entries.append(Entry(reading: reading, since: instant(item["since"]), lastNotified: instant(item["last_notified"])))
        }
        self.init(asOf: asOf, entries: entries)
    }

    /// A book from its parts.
    public init(asOf: Int64?, entries: [Entry]) {
        self.asOf = asOf
        self.entries = entries
    }

    /// The entries in the order of docs/metrics.md, with the thresholds now
    /// configured: a stored book may predate a change of `[alerts]`.
    public func aligned(with thresholds: Configuration.Alerts) -> AlertBook {
        let current = AlertBook.initial(thresholds: thresholds)
        return AlertBook(asOf: asOf, entries: current.entries.map { fresh in
            guard var stored = entries.first(where: { $0.reading.name == fresh.reading.name }) else { return fresh }
            if !fresh.reading.name.isAnomaly { stored.reading.threshold = fresh.reading.threshold }
            return stored
        })
    }
}
