import Foundation
import HTTPTypes
import HummingbirdTesting
import JobBoard
import Testing
import Yams

@Suite("The OpenAPI document matches the router")
struct OpenAPIDocumentTests {
    @Test func everyAPIRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let board = try await JobBoardFixture()
        let document = try await board.test { client in
            let response = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(response.status == .ok)
            return response.text
        }
        let root = try #require(try Yams.load(yaml: document) as? [String: Any])
        #expect((root["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = try #require(root["paths"] as? [String: Any])
        let methods = ["get", "put", "post", "delete", "patch", "head", "options"]
        var documented = Set<String>()
        for (path, item) in paths where path.hasPrefix("/api/") {
            let operations = try #require(item as? [String: Any], "\(path) has no operations")
            for method in methods where operations[method] != nil {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let registered = Set(try await board.makeRouter().1.all.map(\.description))
        #expect(registered.count > 15)
        #expect(registered.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(registered).sorted() == [], "documented routes the router lacks")
    }
}
