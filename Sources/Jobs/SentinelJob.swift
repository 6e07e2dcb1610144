import Delivery
import Foundation
import Metrics
import Templates

/// `sentinel-gen run`, the cron job: under the state's lock, snapshot
/// Redis, evaluate the alerts, build and publish the site, then deliver
/// what is due. A failed step publishes nothing; a failed delivery never
/// stops the site and is retried in the next runs, a few times only.
public struct SentinelJob {
    /// What the job did.
    public struct Outcome: Sendable {
        /// Messages delivered in this run.
        public var delivered = 0
        /// Messages that failed in this run (kept for a later run or dropped).
        public var failed: [String] = []
        /// Alerts firing now.
        public var firing: [String] = []
        /// The build's id.
        public var buildID = ""
    }

    /// The configuration.
    public let configuration: Configuration
    /// Where Redis is.
    public let endpoint: RedisEndpoint
    /// `--state`.
    public let stateDirectory: String
    /// `--output`.
    public let output: String
    /// The templates folder.
    public let templatesDirectory: String
    /// The run's `now`, unix ms.
    public let now: Int64
    /// Sends the messages.
    public var courier: Courier
    /// Seconds to wait for Redis.
    public var readTimeout: Double = 30

    /// A job.
    public init(configuration: Configuration, endpoint: RedisEndpoint, stateDirectory: String, output: String,
                templatesDirectory: String, now: Int64, courier: Courier) {
        self.configuration = configuration
        self.endpoint = endpoint
        self.stateDirectory = stateDirectory
        self.output = output
        self.templatesDirectory = templatesDirectory
        self.now = now
        self.courier = courier
    }

    /// Runs every step; `progress` gets one line per step and a summary.
    public func run(progress: (String) -> Void) async throws(JobFailure) -> Outcome {
        try StateLock.check(output: output, state: stateDirectory)
        let lock = try StateLock.take(stateDirectory)
        defer { withExtendedLifetime(lock) {} }
        var total = StepClock(), clock = StepClock()
        var outcome = Outcome()

        var snapshotRun = SnapshotRun(configuration: configuration, endpoint: endpoint, stateDirectory: stateDirectory, now: now)
        snapshotRun.takesLock = false
        snapshotRun.readTimeout = readTimeout
        let snapshot: SnapshotRun.Outcome
        do {
            snapshot = try snapshotRun.run { line in if line.hasPrefix("warning: ") { progress("warning: snapshot: " + line.dropFirst(9)) } }
        } catch { throw error.within("snapshot") }
        progress("[1/4] snapshot: read \(Format.grouped(snapshot.eventsRead)) events (\(Format.grouped(snapshot.rejected)) rejected), "
                 + "wrote \(snapshot.written.count) snapshot\(snapshot.written.count == 1 ? "" : "s") in \(clock.lap())")

        let alertStore = AlertStore(stateDirectory: stateDirectory)
        let previous: AlertBook
        do { previous = try alertStore.load(thresholds: configuration.alerts) } catch {
            throw JobFailure(.failure, step: "alerts", path: error.path, error.description)
        }
        let today = snapshot.today
        let inputs = AlertInputs(now: now, trailing: snapshot.trailing, totalUsers: today?.users.total ?? 0,
                                 premiumUsers: today?.users.premium ?? 0, anomaly: try anomalyInputs(today: today),
                                 calendar: configuration.dayCalendar)
        let readings = AlertRules.evaluate(inputs, thresholds: configuration.alerts)
        let (book, notifications) = previous.advanced(by: readings, at: now,
                                                      cooldownMs: Int64(configuration.alerts.cooldownHours * 3_600_000))
        outcome.firing = readings.filter { $0.state == .firing }.map(\.name.rawValue)
        progress("[2/4] alerts: \(outcome.firing.isEmpty ? "none firing" : "firing: " + outcome.firing.joined(separator: ", ")); "
                 + "\(notifications.count) to notify in \(clock.lap())")

        var build = SiteBuild(configuration: configuration, stateDirectory: stateDirectory, output: output,
                              templatesDirectory: templatesDirectory, now: now)
        build.alerts = book
        // The output's lock is taken here, not at the start: a run that
        // fails to read Redis leaves nothing beside the output.
        let target = try StateLock.claim(output: output, state: stateDirectory)
        let built: (outcome: SitePublisher.Outcome, data: SiteData)
        do { built = try build.run(into: target) { _ in } } catch { throw error.within("build") }
        outcome.buildID = built.outcome.buildID
        progress("[3/4] build: " + (built.outcome.unchanged ? "\(output) unchanged" :
                    "published \(output) (\(built.outcome.written) files written, \(built.outcome.linked) unchanged)") + " in \(clock.lap())")

        // The site is out: from here on, a problem is a delivery problem
        // (exit 4). What is due is written to the outbox before the alert
        // book records it as notified, so a failure or a crash in between
        // repeats a notification rather than losing it.
        var delivery = DeliveryState()
        do {
            delivery = try DeliveryState.load(stateDirectory: stateDirectory)
            let notices = Notices(configuration: configuration, data: built.data)
            for message in notices.alertMessages(notifications) { delivery.enqueue(message) }
            for (key, message) in notices.periodSummaries(reported: delivery.reported, warn: { progress("delivery: \($0)") }) {
                delivery.enqueue(message)
                delivery.markReported(key)
            }
            if let (key, message) = try notices.dailyMail(reported: delivery.reported, warn: { progress("delivery: \($0)") }) {
                delivery.enqueue(message)
                delivery.markReported(key)
            }
            try delivery.save(stateDirectory: stateDirectory)
            try alertStore.save(book)
        } catch {
            outcome.failed.append("nothing was sent, the alerts will be notified at the next run: \(error)")
            progress("[4/4] delivery: nothing sent in \(clock.lap())")
            return outcome
        }
        // One deadline for the whole step: a slow server delays the others,
        // it cannot hold the run (and its lock) past the next cron.
        let deadline = Date().addingTimeInterval(courier.timeout * SentinelJob.deliveryStepTimeouts)
        for message in delivery.pending {
            var attempt = message
            attempt.runs += 1
            let result = await courier.deliver(attempt, before: deadline)
            switch result {
            case .deferred(let reason):
                outcome.failed.append("\(describe(message)): \(reason); will try again at the next run")
            case .waitFor(let seconds):
                outcome.failed.append("\(describe(message)): asked to wait \(seconds) s; will try again at the next run")
            case .sent:
                delivery.markSent(message.id)
                outcome.delivered += 1
            case .failed(let reason):
                if attempt.runs >= DeliveryState.maximumRuns {
                    delivery.pending.removeAll { $0.id == message.id }
                    outcome.failed.append("\(describe(message)): \(reason); given up after \(attempt.runs) runs")
                } else {
                    delivery.pending = delivery.pending.map { $0.id == message.id ? attempt : $0 }
                    outcome.failed.append("\(describe(message)): \(reason); will try again at the next run")
                }
            case .rejected(let reason):
                delivery.pending.removeAll { $0.id == message.id }
                outcome.failed.append("\(describe(message)): \(reason); dropped")
            case .obsolete(let reason):
                delivery.pending.removeAll { $0.id == message.id }
                progress("delivery: \(message.summary) dropped: \(reason)")
            }
            // Remembered at once: a crash later in the run sends nothing twice.
            do { try delivery.save(stateDirectory: stateDirectory) } catch { outcome.failed.append("delivery state: \(error)") }
        }
        progress("[4/4] delivery: \(outcome.delivered) sent, \(outcome.failed.count) failed, \(delivery.pending.count) waiting in \(clock.lap())")
        progress("done in \(total.lap()): build \(outcome.buildID), "
                 + "\(outcome.firing.isEmpty ? "no alert firing" : "\(outcome.firing.count) alert\(outcome.firing.count == 1 ? "" : "s") firing"), "
                 + "\(outcome.delivered) message\(outcome.delivered == 1 ? "" : "s") sent"
                 + (outcome.failed.isEmpty ? "" : ", \(outcome.failed.count) delivery failure\(outcome.failed.count == 1 ? "" : "s")"))
        return outcome
    }

    /// Today so far and the snapshots of the same weekday in the 8 weeks
    /// before, for the anomaly alerts.
    func anomalyInputs(today: Snapshot?) throws(JobFailure) -> AnomalyInputs {
        guard let today else { return AnomalyInputs(today: .init(), baseline: []) }
        let store = SnapshotStore(stateDirectory: stateDirectory)
        var candidates: [Snapshot] = []
        for day in AnomalyInputs.candidateDays(of: today.date) {
            do {
                if let snapshot = try store.read(day) { candidates.append(snapshot) }
            } catch { throw JobFailure(.failure, step: "alerts", path: store.path(for: day), error.reason) }
        }
        return AnomalyInputs.of(today: today, candidates: candidates, now: now, calendar: configuration.dayCalendar)
    }

    /// The delivery step's deadline, in delivery timeouts (2 minutes by
    /// default): room for a few messages' three tries each, well inside a
    /// 15-minute cron.
    public static let deliveryStepTimeouts = 12.0

    /// A message for the log: its channel, its destination's host, never a
    /// token or a webhook's path (which often holds a secret).
    func describe(_ message: OutgoingMessage) -> String {
        switch message.channel {
        case .webhook: return "\(message.summary) to webhook \(courier.webhooks[message.target].flatMap { URL(string: $0)?.host } ?? "?")"
        case .telegram: return "\(message.summary) to Telegram"
        case .email: return "\(message.summary)"
        }
    }
}
