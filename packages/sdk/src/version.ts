/** Kept in step with package.json by hand (checked by a test). */
export const SDK_VERSION = '0.1.0'
export const SDK_NAME = `spendlens-js/${SDK_VERSION}`
