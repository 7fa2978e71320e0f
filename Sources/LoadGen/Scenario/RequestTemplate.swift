import Foundation
import Picking

/// One request of a custom scenario: method, path, headers and body as templates over the scenario's
/// values, with a weight in the mix.
struct RequestTemplate: Sendable {
    var name: String
    var method: String
    var weight: Int
    var path: TextTemplate
    var headers: [(name: String, value: TextTemplate)]
    var body: TextTemplate?
    /// The value sources this request draws, one per slot the templates refer to.
    var slots: [ValueSource]

    /// Query and path characters that may stay as they are; everything else in a drawn value is percent-encoded.
    private static let pathSafe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    /// A request with fresh random values.
    func make(_ random: inout SplitMix64) -> RequestSpec {
        var values: [String] = []
        values.reserveCapacity(slots.count)
        for source in slots { values.append(source.draw(&random)) }
        return RequestSpec(
            kind: name, method: method,
            path: path.render(values) { $0.addingPercentEncoding(withAllowedCharacters: Self.pathSafe) ?? $0 },
            headers: headers.map { ($0.name, $0.value.render(values)) },
            body: body?.render(values))
    }

    /// This request as an entry of a ``RequestMix``.
    var entry: RequestMix.Entry {
        let template = self
        return RequestMix.Entry(weight: weight) { random in template.make(&random) }
    }
}
