import type { EntitySchema } from 'typeorm';
import { HypothesisBookSchema } from './book.entity.js';
import { HypothesisGeneratorRunSchema } from './generator-run.entity.js';
import { HypothesisSchema } from './hypothesis.entity.js';
import { HypothesisTransitionSchema } from './transition.entity.js';

/** The TypeORM entities of hypotheses and their books (registered with the DataSource). */
export const HYPOTHESES_ENTITIES: readonly EntitySchema[] = [HypothesisSchema, HypothesisTransitionSchema, HypothesisGeneratorRunSchema, HypothesisBookSchema];
