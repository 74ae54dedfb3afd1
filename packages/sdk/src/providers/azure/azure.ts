import { type CompatibleProvider, onHosts } from '../compatible/compatible-provider.js'
import { OPENAI_RESPONSES } from '../openai/openai-methods.js'
import { convertOpenAIChatUsage } from '../openai/openai-usage.js'

/**
 * Azure OpenAI Chat Completions.
 *
 * Counting rules (learn.microsoft.com, Azure OpenAI REST reference and pricing):
 * - OpenAI's usage shape and inclusion rules. OpenAI's converter counts it.
 * - The URL names a deployment, which is any name the customer chose; the response's `model`
 *   (`gpt-4o-2024-11-20`) is the model, and is what is priced.
 * - Prices depend on the deployment type, which no response tells: the catalog's `azure` prices are
 *   Global Standard. Data Zone and Regional deployments cost more (about 10%): wrap's `deployment`
 *   option names them and the supplement's `deployments` multiplier prices them, `estimated`
 *   (docs/pricing.md#deployment-types-and-endpoints). Provisioned is billed by the hour: not modelled.
 * - Streams carry usage when asked (`stream_options.include_usage`, honoured since api-version
 *   2024-09-01-preview). The first chunk, with the prompt filter results, has `model: ""`.
 *
 * Responses API (learn.microsoft.com, "Azure OpenAI Responses API", `/openai/v1/responses`): OpenAI's
 * usage shape, inclusion rules and output items, so OpenAI's Responses rules count it, code
 * interpreter containers included (billed per session as OpenAI's). The model and deployment-type
 * rules above hold as for Chat Completions.
 */
export const AZURE: CompatibleProvider = {
  id: 'azure',
  matches: onHosts('openai.azure.com', 'cognitiveservices.azure.com', 'services.ai.azure.com'),
  convertUsage: convertOpenAIChatUsage,
  askForStreamUsage: true,
  responses: OPENAI_RESPONSES,
}
