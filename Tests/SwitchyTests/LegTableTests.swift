@testable import Switchy
import Testing

/// The dense leg table against a plain dictionary, through a seeded run of inserts,
/// updates and removals (removal moves the last entry into the hole).
@Suite struct LegTableTests {
    @Test func behavesAsADictionaryThroughInsertsUpdatesAndRemovals() {
        var table = LegTable()
        var reference: [UUIDKey: Session] = [:]
        var numbers = SeededNumbers(seed: 0x1E6)
        func next(_ bound: Int) -> Int { numbers.next(below: bound) }
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

    /// Text keys (hashed by `Hasher`) and canonical uuids (by their bits) in one table,
    /// grown from empty, taken out by key and by slot (as the ledger and the hold
    /// timers do): every answer as a dictionary's, and every slot's key still indexed.
    @Test func mixedKeysInsertedAndRemovedByKeyAndBySlot() {
        var table = DenseTable<Int>()
        var reference: [UUIDKey: Int] = [:]
        var numbers = SeededNumbers(seed: 0x5EED)
        func next(_ bound: Int) -> Int { numbers.next(below: bound) }
        for step in 0..<20_000 {
            let number = next(2_000)
            let digits = String(number, radix: 16)
            let key =
                number.isMultiple(of: 2)
                ? UUIDKey("call-\(number)")
                : UUIDKey("0000\(digits.count)000-0000-4000-8000-" + String(repeating: "a", count: 12 - digits.count) + digits)
            switch next(4) {
            case 0:
                #expect(table.remove(key) == reference.removeValue(forKey: key))
            case 1:
                if let slot = table.slot(of: key) {
                    #expect(table.key(at: slot) == key)
                    #expect(table.remove(slot: slot) == reference.removeValue(forKey: key))
                } else {
                    #expect(reference[key] == nil)
                }
            default:
                #expect(table.insert(key, step) == (reference.updateValue(step, forKey: key) == nil))
            }
        }
        #expect(table.count == reference.count && table.count > 100)
        for (key, value) in reference { #expect(table[key] == value) }
        for slot in 0..<table.count { #expect(table.slot(of: table.key(at: slot)) == slot) }
    }

    /// A reserved table behaves the same (the reservation only makes room).
    @Test func aReservedTableKeepsItsLegs() {
        var table = LegTable()
        table.reserveCapacity(64)
        let keys = (0..<100).map { UUIDKey("leg-\($0)") }
        for key in keys { table[key] = Session(uuid: "\(key)", callUUID: "c", direction: .outbound, control: nil) }
        #expect(table.count == 100 && keys.allSatisfy { table[$0] != nil })
    }

    /// A call's leg keys keep the originating leg first whenever it shows up, then
    /// the others in arrival order: as the array they replace did.
    @Test(arguments: [
        ["first"], ["b", "first"], ["b", "c", "first", "d"], ["first", "b", "c"], ["b", "c"], [],
    ])
    func legKeysKeepTheOriginatingLegFirst(_ arrivals: [String]) {
        var keys = LegKeys()
        var reference: [UUIDKey] = []
        for name in arrivals {
            let key = UUIDKey(name)
            if name == "first" {
                keys.insertFirst(key)
                reference.insert(key, at: 0)
            } else {
                keys.append(key)
                reference.append(key)
            }
        }
        #expect(Array(keys) == reference)
    }
}

/// A repeatable sequence of numbers (a 64-bit LCG's high bits), for the model tests.
private struct SeededNumbers {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}
