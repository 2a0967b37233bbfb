import ESL
import TestSupport
import Testing

/// The verifier's expectations are checked, never trusted: a wrong expectation is a
/// mismatch that says what differs, not a crash of the test process.
@Suite struct DecoderVerifierExpectationTests {
    static let greeting = Array("Content-Type: auth/request\n\n".utf8)

    @Test func anExpectedOrderLongerThanTheFramesIsAMismatch() {
        let expected = DecoderVerifier.Expected(countsByType: ["auth/request": 1], order: [.authRequest, .authRequest])
        #expect(throws: DecoderVerifier.Mismatch.self) { try DecoderVerifier.verify(Self.greeting, expecting: expected) }
    }

    @Test func aMatchingExpectationPasses() throws {
        let expected = DecoderVerifier.Expected(countsByType: ["auth/request": 1], order: [.authRequest])
        #expect(try DecoderVerifier.verify(Self.greeting, expecting: expected).frames.count == 1)
    }
}
