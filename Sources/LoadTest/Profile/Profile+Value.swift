extension Profile {
    /// An open-ended JSON value, for fields whose shape belongs to someone else
    /// (an app's `args`, a simulator's `faults`).
    public indirect enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Value])
        case object([String: Value])

        /// The string, if this is one.
        public var string: String? {
            if case .string(let text) = self { return text }
            return nil
        }

        /// The number, if this is one.
        public var number: Double? {
            if case .number(let value) = self { return value }
            return nil
        }

        /// The boolean, if this is one.
        public var bool: Bool? {
            if case .bool(let value) = self { return value }
            return nil
        }
    }
}
