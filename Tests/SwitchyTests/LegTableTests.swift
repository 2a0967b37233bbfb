@testable import Switchy
import Testing

/// The dense leg table against a plain dictionary, through a seeded run of inserts,
/// updates and removals (removal moves the last entry into the hole).
@Suite struct LegTableTests {
    @Test func behavesAsADictionaryThroughInsertsUpdatesAndRemovals() {
        var table = LegTable()
        var reference: [UUIDKey: Session] = [:]
        var state: UInt64 = 0x1E6
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for step in 0..<5_000 {
            let digits = String(next(300))
            let uuid = "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
            let key = UUIDKey(uuid)
            switch next(3) {
            case 0:
                table[key] = nil
                reference[key] = nil
            case 1:
                var session = Session(uuid: uuid, callUUID: uuid, direction: .outbound, control: nil)
                session.sipStatus = step
                table[key] = session
                reference[key] = session
            default:
                if let slot = table.slot(of: key) { table[slot: slot].hangupCause = "STEP_\(step)" }
                reference[key]?.hangupCause = "STEP_\(step)"
            }
            #expect(table.count == reference.count)
        }
        #expect(!table.isEmpty)
        for (key, session) in reference {
            #expect(table[key]?.sipStatus == session.sipStatus)
            #expect(table[key]?.hangupCause == session.hangupCause)
        }
        #expect(Set(table.keys) == Set(reference.keys))
        #expect(Set(table.values.map(\.uuid)) == Set(reference.values.map(\.uuid)))
        table.removeAll()
        #expect(table.isEmpty && table[UUIDKey("00000000-0000-4000-8000-000000000001")] == nil)
    }
}
