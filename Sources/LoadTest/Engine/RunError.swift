public import ESL

/// Why a run could not start or go on.
public enum RunError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A slave could not be reached or refused our password (exit 3).
    case connect(slave: String, ESLError)
    /// A slave answered preflight in a way the run cannot use (exit 3).
    case preflight(slave: String, reason: String)
    /// The plan does not fit a slave's limits and the profile says to refuse (exit 2).
    case overLimits(slave: String, reason: String)
    /// The plan itself is unusable (exit 2).
    case invalidPlan(String)

    public var description: String {
        switch self {
        // A simulated slave's address says nothing to the user: name it.
        case .connect(let slave, let error): "\(error)".hasPrefix(slave) ? "\(error)" : "\(slave): \(error)"
        case .preflight(let slave, let reason): "\(slave): \(reason)"
        case .overLimits(let slave, let reason): "\(slave): \(reason)"
        case .invalidPlan(let reason): "invalid run: \(reason)"
        }
    }
}
