/// Why a receiver's request could not be built. None of these gets better by retrying.
public enum PayloadError: Error, Equatable, CustomStringConvertible {
    /// A notification must be about at least one event.
    case noEvents(receiver: String)
    /// PagerDuty's Events API takes one event per request; the caller passes one event per PagerDuty request.
    case oneEventPerRequest(receiver: String, events: Int)
    /// A PagerDuty receiver needs its integration (routing) key.
    case missingRoutingKey(receiver: String)
    /// The body could not be encoded as JSON.
    case encodingFailed(receiver: String, reason: String)

    public var description: String {
        switch self {
        case .noEvents(let receiver):
            "receiver \(receiver): a notification needs at least one event"
        case .oneEventPerRequest(let receiver, let events):
            "receiver \(receiver): PagerDuty takes one event per request, got \(events); send one request per incident"
        case .missingRoutingKey(let receiver):
            "receiver \(receiver): a pagerduty receiver needs routing_key (the integration key)"
        case .encodingFailed(let receiver, let reason):
            "receiver \(receiver): cannot encode the request body: \(reason)"
        }
    }
}
