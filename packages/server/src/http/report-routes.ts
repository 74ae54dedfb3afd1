import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { SpendReport } from '../api/api-types.js'
import { buildReport, type ReportRequest, type ReportSources } from '../report/build-report.js'
import { reportPeriod } from '../report/report-period.js'
import {
  DEFAULT_REPORT_BY,
  DEFAULT_REPORT_PERIOD,
  DEFAULT_REPORT_TOP,
  parseReportBy,
  parseReportTimeZone,
  parseReportTop,
  ReportRequestError,
} from '../report/report-request.js'
import { HttpError } from './http-error.js'
import { parseOrThrow } from './query-params.js'
import { asHttpError } from './query-routes.js'

const reportParams = z
  .object({
    period: z.string().max(100).default(DEFAULT_REPORT_PERIOD),
    by: z.string().max(1000).optional(),
    tz: z.string().max(100).default('UTC'),
    top: z.string().max(10).optional(),
    project: z.string().optional(),
  })
  .strict()

/** The query string of GET /api/report as a report request of `project`; a bad value is a 400 naming it. */
function reportRequest(query: unknown, project: string): ReportRequest {
  const params = parseOrThrow(reportParams, query)
  try {
    const request: ReportRequest = {
      project,
      period: params.period,
      timeZone: parseReportTimeZone(params.tz),
      by: params.by === undefined ? DEFAULT_REPORT_BY : parseReportBy(params.by),
      top: params.top === undefined ? DEFAULT_REPORT_TOP : parseReportTop(params.top),
    }
    reportPeriod(request.period, request.timeZone, Date.now())
    return request
  } catch (error) {
    if (error instanceof ReportRequestError) throw new HttpError(400, 'bad_request', error.message)
    throw error
  }
}

/**
 * The spend report of the request's project (`spendlens report`, docs/cli.md "report"): what
 * `spendlens report --server` prints, and what the weekly digest sends.
 */
export function registerReportRoutes(app: FastifyInstance, sources: (project: string) => ReportSources) {
  app.get('/api/report', async (request): Promise<SpendReport> => {
    const report = reportRequest(request.query, request.project)
    return buildReport(sources(request.project), report).catch((error: unknown) => {
      throw asHttpError(error, request)
    })
  })
}
