/// Picks apps in proportion to their weights, evenly spread (smooth weighted
/// round-robin, as nginx balances upstreams): weights 3 and 1 give A A B A, A A B A, …
public struct WeightedRotation: Sendable {
    private let weights: [Int]
    private var current: [Int]

    public init(weights: [Int]) {
        self.weights = weights.map { max(0, $0) }
        self.current = Array(repeating: 0, count: weights.count)
    }

    /// The next index (nil if every weight is 0).
    public mutating func next() -> Int? {
        let total = weights.reduce(0, +)
        guard total > 0 else { return nil }
        var best = 0
        for index in weights.indices {
            current[index] += weights[index]
            if current[index] > current[best] { best = index }
        }
        current[best] -= total
        return best
    }
}
