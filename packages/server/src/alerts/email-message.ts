import type { Anomaly } from '../api/api-types.js'
import { dashboardLink } from '../api/dashboard-link.js'
import {
  type AlertMessage,
  formatUsd,
  headline,
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
  const tag = `[spendlens${options.project ? ` ${options.project}` : ''}]`
  if (message.type === 'alert.test') {
    const text = testMessageText(options)
    return {
      subject: `${tag} ${title}`.replace(/[\r\n]+/g, ' '),
      text: `${text}\n`,
      html: `<p>${escapeHtml(text)}</p>`,
    }
  }
  const [first] = message.anomalies
  const money =
    message.type === 'anomaly.opened' && first ? `: ${formatUsd(first.money_at_stake_usd)} at stake` : ''
  const subject = `${tag} ${title}${money}`.replace(/[\r\n]+/g, ' ')
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
  return { subject, text, html }
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
