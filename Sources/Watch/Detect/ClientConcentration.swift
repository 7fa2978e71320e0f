/// How concentrated a pool's recent traffic is on its heaviest sources: the share of the top clients and of the top
/// path. A flood from few sources is concentrated; a crowd is not.
public struct ClientConcentration: Sendable, Equatable, Codable {
    /// Share of the window's requests sent by the heaviest few clients, 0...1.
    public var topClientsShare: Double
    /// The heaviest clients with their request counts, heaviest first.
    public var topClients: [Heavy]
    /// Share of the window's requests to the most requested path, 0...1.
    public var topPathShare: Double
    /// The most requested path.
    public var topPath: String?

    /// One heavy source.
    public struct Heavy: Sendable, Equatable, Codable {
        /// Client address or path.
        public var key: String
        /// Requests counted.
        public var count: Int

        public init(key: String, count: Int) {
            self.key = key
            self.count = count
        }
    }

    public init(topClientsShare: Double, topClients: [Heavy], topPathShare: Double, topPath: String?) {
        self.topClientsShare = topClientsShare
        self.topClients = topClients
        self.topPathShare = topPathShare
        self.topPath = topPath
    }

    enum CodingKeys: String, CodingKey {
        case topClientsShare = "top_clients_share"
        case topClients = "top_clients"
        case topPathShare = "top_path_share"
        case topPath = "top_path"
    }
}
