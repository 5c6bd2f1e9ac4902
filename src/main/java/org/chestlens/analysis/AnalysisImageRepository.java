package org.chestlens.analysis;

import org.springframework.data.repository.CrudRepository;

interface AnalysisImageRepository extends CrudRepository<AnalysisImage, AnalysisImage.Key> {
}
