/// A valid event, reduced to what the metrics use.
public struct ValidEvent {
    /// The event's type.
    public var type: EventType
    /// The acting user, when the event names one.
    public var user: UnsafeRawBufferPointer?
    /// A command's name with one leading `/` stripped.
    public var name: UnsafeRawBufferPointer?
    /// A command's latency in millionths of a millisecond.
    public var latencyMicros: Int64?
    /// A registration's source, when given.
    public var source: UnsafeRawBufferPointer?
    /// An api call's provider.
    public var provider: UnsafeRawBufferPointer?
    /// An api call's cost, in the cost currency.
    public var cost: Money = .zero
    /// A payment's monthly value in the revenue currency.
    public var monthlyAmount: Money = .zero
    /// A payment's plan, when given (`premium` otherwise).
    public var plan: UnsafeRawBufferPointer?
    /// A payment for a yearly plan.
    public var yearly = false
}
