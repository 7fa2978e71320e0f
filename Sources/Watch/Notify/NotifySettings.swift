/// What a `--notify` file says: the receivers and the routes to them.
public struct NotifySettings: Sendable, Equatable {
    /// The receivers, by the order of the file.
    public var receivers: [ReceiverSettings]
    /// The routes, tried in order.
    public var routes: [NotifyRoute]

    /// Creates settings.
    public init(receivers: [ReceiverSettings] = [], routes: [NotifyRoute] = []) {
        self.receivers = receivers
        self.routes = routes
    }

    /// The receiver named `name`.
    public func receiver(named name: String) -> ReceiverSettings? { receivers.first { $0.name == name } }

    /// The routes that take `incident`, in order: the first match and, while matches say `continue`, the next ones.
    public func routes(for incident: Incident) -> [NotifyRoute] {
        var taken: [NotifyRoute] = []
        for route in routes where route.matches(incident) {
            taken.append(route)
            if !route.continue { break }
        }
        return taken
    }
}
