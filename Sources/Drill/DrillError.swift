/// Why a drill could not run (as opposed to a scenario that ran and missed).
public enum DrillError: Error, CustomStringConvertible {
    case setup(String)

    public var description: String {
        switch self {
        case .setup(let what): "the drill could not start its fleet: \(what)"
        }
    }
}
