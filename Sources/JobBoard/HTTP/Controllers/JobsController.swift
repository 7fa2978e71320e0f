import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// `/api/v1/jobs`: search and read postings, and the employer's posting lifecycle.
struct JobsController {
    let service: JobBoardService
    let postingLimiter: RateLimiter?

    func addRoutes(to api: CatalogedGroup<JobBoardContext>) {
        api.on(.get, "jobs", use: search)
        api.on(.get, "jobs/{id}", use: get)
        let employer = api.group("", context: EmployerContext.self)
        employer.limited(by: postingLimiter, action: "posting").on(.post, "jobs", use: create)
        employer.on(.put, "jobs/{id}", use: update)
        employer.on(.post, "jobs/{id}/publish", use: publish)
        employer.on(.post, "jobs/{id}/close", use: close)
        employer.on(.post, "jobs/{id}/renew", use: renew)
        employer.on(.get, "employer/jobs", use: mine)
    }

    @Sendable func search(_ request: Request, context: JobBoardContext) async throws -> JobListResource {
        let search = try SearchParameters.search(from: FormFields(query: request))
        let page = try await service.search(search)
        let now = service.clock()
        return JobListResource(jobs: page.jobs.map { JobResource($0, now: now) }, nextCursor: page.next?.token)
    }

    @Sendable func get(_ request: Request, context: JobBoardContext) async throws -> JobResource {
        let job = try await service.job(id: try Self.id(context), viewer: context.account)
        return JobResource(job, now: service.clock())
    }

    @Sendable func create(_ request: Request, context: EmployerContext) async throws -> EditedResponse<JobResource> {
        let input = try await request.decode(as: JobInput.self, context: context)
        let company = try await service.company(of: context.caller)?.name
        let job = try await service.createJob(input.draft(defaultCompany: company), by: context.caller)
        return EditedResponse(
            status: .created, headers: [.location: "/api/v1/jobs/\(job.id)"], response: JobResource(job, now: service.clock()))
    }

    @Sendable func update(_ request: Request, context: EmployerContext) async throws -> JobResource {
        let id = try Self.id(context)
        let input = try await request.decode(as: JobInput.self, context: context)
        let company = try await service.company(of: context.caller)?.name
        let job = try await service.updateJob(id: id, with: input.draft(defaultCompany: company), by: context.caller)
        return JobResource(job, now: service.clock())
    }

    @Sendable func publish(_ request: Request, context: EmployerContext) async throws -> JobResource {
        JobResource(try await service.publishJob(id: try Self.id(context), by: context.caller), now: service.clock())
    }

    @Sendable func close(_ request: Request, context: EmployerContext) async throws -> JobResource {
        JobResource(try await service.closeJob(id: try Self.id(context), by: context.caller), now: service.clock())
    }

    @Sendable func renew(_ request: Request, context: EmployerContext) async throws -> JobResource {
        JobResource(try await service.renewJob(id: try Self.id(context), by: context.caller), now: service.clock())
    }

    @Sendable func mine(_ request: Request, context: EmployerContext) async throws -> JobListResource {
        let now = service.clock()
        return JobListResource(jobs: try await service.jobs(of: context.caller).map { JobResource($0, now: now) }, nextCursor: nil)
    }

    /// The `{id}` path parameter as a positive integer, or a 400 naming it.
    static func id(_ context: some RequestContext, _ name: String = "id") throws(Problem) -> Int64 {
        guard let text = context.parameters.get(name), let id = Int64(text), id > 0 else {
            throw .badParameter(name, "must be a positive integer")
        }
        return id
    }
}
