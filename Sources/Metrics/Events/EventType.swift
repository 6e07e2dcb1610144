/// The six event types of the contract.
public enum EventType: String, Sendable, CaseIterable {
    case registration, command, error, conversion, cancellation
    case apiCall = "api_call"
}
