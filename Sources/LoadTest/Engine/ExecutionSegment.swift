import Foundation

/// One share of a scenario run from several generator hosts (`--segment I/N`, k6's
/// execution segments): segment I of N makes every N-th call of the whole run's
/// schedule, starting with the I-th.
///
/// The whole run's calls are numbered k = 1, 2, 3 … in due order (call k is due when
/// ⌊∫₀ᵗ rate⌋ reaches k, ``Pacer``). Call k belongs to segment ((k − 1) mod N) + 1, so:
///
///     due_I(t)       = #{ k ≤ due(t) : k ≡ I (mod N) } = ⌊(due(t) − I) / N⌋ + 1   (0 when due(t) < I)
///     time_I(j)      = time of the whole run's call I + j·N        (j = 0, 1, … the segment's own calls)
///     scheduled_I    = ∫ rate / N                                   (the target, before rounding)
///
/// The union of the N segments is the whole schedule exactly (each due time once), and
/// each segment alone is as even as it can be: its calls are N whole-run calls apart
/// (interleaved, not blocks of time). A count the profile caps — `limit`, a slave's
/// `limit`, `max_offered` — splits by the same rule, ``share(of:)``: segment I gets
/// ⌈L/N⌉ when I ≤ L mod N, else ⌊L/N⌋, so the shares add up to L.
public struct ExecutionSegment: Sendable, Hashable, CustomStringConvertible {
    /// I: which segment, 1 … ``count``.
    public let index: Int
    /// N: how many segments the scenario is split into (≥ 1).
    public let count: Int

    /// The whole scenario: segment 1 of 1 (every formula above is the identity).
    public static let whole = ExecutionSegment(uncheckedIndex: 1, count: 1)

    /// What a segment is written as, for error messages.
    public static let expectation = "I/N, 1 ≤ I ≤ N (e.g. 2/5)"

    /// - Throws: ``Problem`` unless 1 ≤ `index` ≤ `count`.
    public init(index: Int, count: Int) throws(Problem) {
        guard count >= 1, (1...count).contains(index) else { throw Problem(text: "\(index)/\(count)") }
        self.index = index
        self.count = count
    }

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (`2/5`; spaces around the numbers allowed).
    /// - Throws: ``Problem`` for anything else, or I outside 1 … N.
    public init(parsing text: String) throws(Problem) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let index = Int(parts[0].trimmingCharacters(in: .whitespaces)),
            let count = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else { throw Problem(text: text) }
        do { try self.init(index: index, count: count) } catch { throw Problem(text: text) }
    }

    /// A value that is not a segment.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// What was given.
        public var text: String
        public init(text: String) { self.text = text }
        public var description: String { "expected \(ExecutionSegment.expectation), got '\(text)'" }
    }

    /// `2/5`.
    public var description: String { "\(index)/\(count)" }

    /// True for segment 1 of 1.
    public var isWhole: Bool { count == 1 }

    /// How many of the whole run's first `total` calls are this segment's: the k ≤ total
    /// with k ≡ I (mod N), ⌊(total − I) / N⌋ + 1. The same rule splits a cap (`limit`,
    /// `max_offered`): ⌈total/N⌉ for I ≤ total mod N, else ⌊total/N⌋; the shares of all
    /// N segments add up to `total`.
    public func share(of total: Int) -> Int {
        total >= index ? (total - index) / count + 1 : 0
    }

    /// The whole run's 0-based call number of this segment's 0-based call `own`:
    /// (I − 1) + own·N.
    public func wholeIndex(ofOwn own: Int) -> Int {
        let (product, overflowed) = own.multipliedReportingOverflow(by: count)
        let (sum, overflowedSum) = product.addingReportingOverflow(index - 1)
        return overflowed || overflowedSum ? Int.max : sum
    }

    /// The segment's part of an amount that splits evenly (a rate, ∫ rate): amount / N.
    public func part(of amount: Double) -> Double { amount / Double(count) }

    /// The segment that the whole run's call number `k` (1-based) belongs to.
    public static func of(call k: Int, count: Int) -> Int { (k - 1) % count + 1 }
}

extension ExecutionSegment: Codable {
    enum CodingKeys: String, CodingKey { case index, count }

    /// `{ "index": 2, "count": 5 }` in `summary.json`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(count, forKey: .count)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let index = try container.decode(Int.self, forKey: .index)
        let count = try container.decode(Int.self, forKey: .count)
        do { try self.init(index: index, count: count) } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .index, in: container, debugDescription: "is not a segment: \(error)")
        }
    }
}
