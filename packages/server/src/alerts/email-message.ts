import type { Anomaly, BudgetAlert, SpendReport } from '../api/api-types.js'
import { budgetDashboardLink, dashboardLink } from '../api/dashboard-link.js'
import { renderReport, reportSections, reportTitle } from '../report/render-report.js'
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

export interface EmailContent {
  subject: string
  text: string
  html: string
}

/**
 * The message as an email: a subject that reads alone in an inbox list (headline or count, and
 * the money), a plain-text body for every client, and the same in simple HTML (no images, no
 * styles a client would strip), each anomaly with its link into the dashboard.
 */
export function emailMessage(message: AlertMessage, options: RenderOptions = {}): EmailContent {
  const title = messageTitle(message)
  if (isBudgetMessage(message))
    return budgetEmail(message.budget, subject(title, ` (${budgetSpent(message.budget)})`, options), options)
  if (isReportMessage(message)) return digestEmail(message.report, subject(title, '', options))
  if (message.type === 'alert.test') {
    const text = testMessageText(options)
    return { subject: subject(title, '', options), text: `${text}\n`, html: `<p>${escapeHtml(text)}</p>` }
  }
  const [first] = message.anomalies
  const money =
    message.type === 'anomaly.opened' && first ? `: ${formatUsd(first.money_at_stake_usd)} at stake` : ''
  const { shown, more } = listed(message, options)
  const items = shown.map((anomaly) => ({ anomaly, link: link(anomaly, options) }))

  const text = [
    title,
    '',
    ...items.flatMap(({ anomaly, link }) => [
      `${headline(anomaly)}: ${formatUsd(anomaly.money_at_stake_usd)} at stake (${anomaly.severity})`,
      anomaly.summary,
      observedVsExpected(anomaly),
      `${anomaly.start} – ${anomaly.end}`,
      ...(link ? [link] : []),
      '',
    ]),
    ...(more > 0 ? [`and ${more} more (${formatUsd(totalAtStake(message))} at stake in all)`, ''] : []),
  ].join('\n')

  const html = [
    `<h2>${escapeHtml(title)}</h2>`,
    ...items.map(
      ({ anomaly, link }) =>
        `<p><strong>${escapeHtml(headline(anomaly))}</strong>: ${escapeHtml(formatUsd(anomaly.money_at_stake_usd))} at stake (${escapeHtml(anomaly.severity)})<br>` +
        `${escapeHtml(anomaly.summary)}<br>${escapeHtml(observedVsExpected(anomaly))}<br>` +
        `${escapeHtml(`${anomaly.start} – ${anomaly.end}`)}` +
        (link ? `<br><a href="${escapeHtml(link)}">Open in dashboard</a>` : '') +
        '</p>',
    ),
    ...(more > 0
      ? [`<p>and ${more} more (${escapeHtml(formatUsd(totalAtStake(message)))} at stake in all)</p>`]
      : []),
  ].join('\n')
  return { subject: subject(title, money, options), text, html }
}

/** `[spendlens shop] <title><tail>`, on one line whatever the names hold. */
function subject(title: string, tail: string, options: RenderOptions): string {
  return `[spendlens${options.project ? ` ${options.project}` : ''}] ${title}${tail}`.replace(/[\r\n]+/g, ' ')
}

/** A budget alert: what is spent of the amount, the scope and terms, the forecast's sentence, a link. */
function budgetEmail(alert: BudgetAlert, subjectLine: string, options: RenderOptions): EmailContent {
  const link = options.dashboardUrl
    ? budgetDashboardLink(options.dashboardUrl, alert, Date.now(), options.project)
    : undefined
  const lines = [
    `Spent: ${budgetSpent(alert)}`,
    `Scope: ${budgetScope(alert)}`,
    `Forecast by the reset: ${formatUsd(alert.forecast_usd)}`,
    `Terms: ${budgetTerms(alert)}`,
  ]
  const text = [subjectLine, '', alert.summary, '', ...lines, ...(link ? ['', link] : []), ''].join('\n')
  const html = [
    `<h2>${escapeHtml(subjectLine)}</h2>`,
    `<p>${escapeHtml(alert.summary)}</p>`,
    `<p>${lines.map(escapeHtml).join('<br>')}</p>`,
    ...(link ? [`<p><a href="${escapeHtml(link)}">Open in dashboard</a></p>`] : []),
  ].join('\n')
  return { subject: subjectLine, text, html }
}

/** The weekly digest: the report as the terminal prints it, and the same sections as HTML tables. */
function digestEmail(report: SpendReport, subjectLine: string): EmailContent {
  const html = [`<h2>${escapeHtml(subjectLine)}</h2>`, `<p>${escapeHtml(reportTitle(report))}</p>`]
  for (const section of reportSections(report)) {
    html.push(`<h3>${escapeHtml(section.title)}</h3>`)
    if (section.rows.length > 0)
      html.push(
        '<table border="1" cellpadding="4" cellspacing="0">',
        `<tr>${section.head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr>`,
        ...section.rows.map(
          (row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`,
        ),
        '</table>',
      )
    if (section.note) html.push(`<p>${escapeHtml(section.note)}</p>`)
  }
  return { subject: subjectLine, text: renderReport(report, 'table'), html: html.join('\n') }
}

function link(anomaly: Anomaly, options: RenderOptions): string | undefined {
  return options.dashboardUrl ? dashboardLink(options.dashboardUrl, anomaly, options.project) : undefined
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}
