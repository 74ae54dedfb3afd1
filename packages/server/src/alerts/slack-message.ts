import type { Anomaly, BudgetAlert, SpendReport } from '../api/api-types.js'
import { budgetDashboardLink, dashboardLink } from '../api/dashboard-link.js'
import { reportSections, reportTitle, sectionLines } from '../report/render-report.js'
import {
  type AlertMessage,
  budgetScope,
  budgetSpent,
  budgetTerms,
  formatUsd,
  headline,
  isBudgetMessage,
  isReportMessage,
  listed,
  messageTitle,
  observedVsExpected,
  type RenderOptions,
  testMessageText,
  totalAtStake,
} from './alert-message.js'

/** A Slack incoming-webhook payload: Block Kit blocks, and `text` for notifications and old clients. */
export interface SlackPayload {
  text: string
  blocks: Record<string, unknown>[]
}

/** Slack cuts a header at 150 characters and a section's text at 3000. */
const HEADER_LIMIT = 150
const SECTION_LIMIT = 3000

/**
 * The message as Slack blocks: a header with the kind and scope (or the count of a group), the
 * money at stake, observed against expected, the detector's one sentence, and a button into the
 * dashboard with the anomaly's scope and days applied. A group lists the top anomalies by money,
 * each with its own link, then "and K more".
 */
export function slackMessage(message: AlertMessage, options: RenderOptions = {}): SlackPayload {
  if (isBudgetMessage(message)) return budgetBlocks(message.budget, messageTitle(message), options)
  if (isReportMessage(message)) return digestBlocks(message.report, messageTitle(message))
  const title = messageTitle(message)
  if (message.type === 'alert.test') {
    const text = escapeSlack(testMessageText(options))
    return {
      text,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `spendlens: ${title}`, emoji: false } },
        { type: 'section', text: mrkdwn(text) },
      ],
    }
  }
  const resolved = message.type === 'anomaly.resolved'
  const [first] = message.anomalies
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, HEADER_LIMIT), emoji: false } },
  ]
  if (message.anomalies.length === 1 && first) {
    blocks.push(
      {
        type: 'section',
        fields: [
          mrkdwn(`*Money at stake*\n${formatUsd(first.money_at_stake_usd)}`),
          mrkdwn(`*Severity*\n${first.severity}`),
          mrkdwn(`*Observed*\n${escapeSlack(observedVsExpected(first))}`),
          mrkdwn(`*When*\n${escapeSlack(`${first.start} – ${first.end}`)}`),
        ],
      },
      { type: 'section', text: mrkdwn(cut(escapeSlack(first.summary), SECTION_LIMIT)) },
    )
    const link = options.dashboardUrl
      ? dashboardLink(options.dashboardUrl, first, options.project)
      : undefined
    if (link)
      blocks.push({
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open in dashboard' },
            url: link,
            ...(resolved ? {} : { style: 'primary' }),
          },
        ],
      })
  } else {
    const { shown, more } = listed(message, options)
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `*${formatUsd(totalAtStake(message))}* at stake${options.project ? ` in ${escapeSlack(options.project)}` : ''}`,
      ),
    })
    for (const anomaly of shown) blocks.push({ type: 'section', text: mrkdwn(line(anomaly, options)) })
    if (more > 0) blocks.push({ type: 'context', elements: [mrkdwn(`and ${more} more`)] })
  }
  // `text` is read as mrkdwn (the header is plain text, where markup is literal).
  const text = first && message.anomalies.length === 1 ? `${title}: ${first.summary}` : title
  return { text: cut(escapeSlack(text), SECTION_LIMIT), blocks }
}

/**
 * A budget alert: the header, what is spent of the amount, the scope, the period and action, the
 * forecast's sentence, and a button into the dashboard on the budget's scope and period.
 */
function budgetBlocks(alert: BudgetAlert, title: string, options: RenderOptions): SlackPayload {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, HEADER_LIMIT), emoji: false } },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Spent*\n${escapeSlack(budgetSpent(alert))}`),
        mrkdwn(`*Scope*\n${cut(escapeSlack(budgetScope(alert)), 500)}`),
        mrkdwn(`*Forecast by the reset*\n${formatUsd(alert.forecast_usd)}`),
        mrkdwn(`*Terms*\n${escapeSlack(budgetTerms(alert))}`),
      ],
    },
    { type: 'section', text: mrkdwn(cut(escapeSlack(alert.summary), SECTION_LIMIT)) },
  ]
  if (options.dashboardUrl)
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in dashboard' },
          url: budgetDashboardLink(options.dashboardUrl, alert, Date.now(), options.project),
          style: 'primary',
        },
      ],
    })
  return { text: cut(escapeSlack(`${title}: ${alert.summary}`), SECTION_LIMIT), blocks }
}

/**
 * The weekly digest: the headline, the period, and each section of the report as a monospaced
 * block (Slack has no tables), cut to what a section holds.
 */
function digestBlocks(report: SpendReport, title: string): SlackPayload {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, HEADER_LIMIT), emoji: false } },
    { type: 'context', elements: [mrkdwn(escapeSlack(reportTitle(report)))] },
  ]
  for (const section of reportSections(report)) {
    const [table, note] = section.rows.length > 0 ? sectionLines(section) : [undefined, section.note]
    const body = [
      `*${escapeSlack(section.title)}*`,
      ...(table ? ['```', escapeSlack(table), '```'] : []),
      ...(note ? [escapeSlack(note)] : []),
    ].join('\n')
    blocks.push({ type: 'section', text: mrkdwn(cut(body, SECTION_LIMIT)) })
  }
  return { text: cut(escapeSlack(`${title} · ${reportTitle(report)}`), SECTION_LIMIT), blocks }
}

/** One anomaly in a group: its headline (linked), money, and sentence. */
function line(anomaly: Anomaly, options: RenderOptions): string {
  const name = escapeSlack(headline(anomaly))
  const link = options.dashboardUrl
    ? dashboardLink(options.dashboardUrl, anomaly, options.project)
    : undefined
  const title = link ? `<${link}|${name}>` : `*${name}*`
  return cut(
    `${title} · ${formatUsd(anomaly.money_at_stake_usd)} at stake\n${escapeSlack(anomaly.summary)}`,
    SECTION_LIMIT,
  )
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text })

/** Slack reads `&`, `<` and `>` as markup (links, mentions): a scope value such as `<!channel>` must not ping anyone. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`
}
