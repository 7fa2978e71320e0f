import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Moderators take postings down.
struct ModerationController {
    let service: JobBoardService

    func addRoutes(to api: CatalogedGroup<JobBoardContext>) {
        let moderator = api.group("", context: ModeratorContext.self)
        moderator.on(.post, "moderation/jobs/{id}/unpublish", use: unpublish)
    }

    @Sendable func unpublish(_ request: Request, context: ModeratorContext) async throws -> JobResource {
        JobResource(try await service.unpublishJob(id: try JobsController.id(context), by: context.caller), now: service.clock())
    }
}
