export { describePlan, planTableUpdate, type TableStep, type TableUpdatePlan } from './plan.js'
export { describeTable, type TableUpdateOptions, type TableUpdateOutcome, updateTable } from './update.js'
